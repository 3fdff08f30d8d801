// SPDX-License-Identifier: GPL-2.0
/* Device filters (filter.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "filter.h"
#include "strbuf.h"

/* "virtioN", all of it. */
static bool device_name_ok(const char *s)
{
	unsigned int n;
	char tail;

	return !strncmp(s, "virtio", 6) && s[6] >= '0' && s[6] <= '9' &&
	       sscanf(s, "virtio%u%c", &n, &tail) == 1;
}

static int add_item(struct device_filter *f, enum filter_kind kind, const char *name,
		    const char *item, char *err, size_t errlen)
{
	size_t *n = kind == FILTER_DEVICE ? &f->n_devices : &f->n_types;

	if (*n == FILTER_MAX) {
		strbuf_printf(err, errlen, "%s: more than %d %s", name, FILTER_MAX,
			      kind == FILTER_DEVICE ? "devices" : "types");
		return -1;
	}
	if (kind == FILTER_TYPE) {
		f->types[*n] = virtio_type_by_name(item);
		if (!f->types[*n]) {
			strbuf_printf(err, errlen, "%s '%s': no such device type; "
				      "'vqwatch help layout' lists them", name, item);
			return -1;
		}
	} else {
		if (!device_name_ok(item)) {
			strbuf_printf(err, errlen, "%s '%s': expected a name such as virtio0", name,
				      item);
			return -1;
		}
		f->devices[*n] = strdup(item);
		if (!f->devices[*n]) {
			strbuf_copy(err, errlen, "out of memory");
			return -1;
		}
	}
	(*n)++;
	return 0;
}

int filter_add(struct device_filter *f, enum filter_kind kind, const char *name,
	       const char *value, char *err, size_t errlen)
{
	char *copy = strdup(value), *rest = copy, *item;
	bool any = false;
	int ret = -1;

	if (!copy) {
		strbuf_copy(err, errlen, "out of memory");
		return -1;
	}
	while ((item = strsep(&rest, ","))) {
		item += strspn(item, " \t");
		for (size_t len = strlen(item); len && strchr(" \t", item[len - 1]); len--)
			item[len - 1] = '\0';
		if (!*item) {
			strbuf_printf(err, errlen, "%s '%s': %s", name, value,
				      *value ? "an empty item in the list" : "expected at least one item");
			goto out;
		}
		if (add_item(f, kind, name, item, err, errlen))
			goto out;
		any = true;
	}
	ret = any ? 0 : -1;
out:
	free(copy);
	return ret;
}

bool filter_wants(const struct device_filter *f, const struct vq_device *d)
{
	bool dev_ok = !f->n_devices, type_ok = !f->n_types;

	for (size_t i = 0; i < f->n_devices; i++)
		dev_ok |= !strcmp(f->devices[i], d->name);
	for (size_t i = 0; i < f->n_types; i++)
		type_ok |= d->type == f->types[i];
	return dev_ok && type_ok;
}

bool filter_equal(const struct device_filter *a, const struct device_filter *b)
{
	if (a->n_devices != b->n_devices || a->n_types != b->n_types)
		return false;
	for (size_t i = 0; i < a->n_devices; i++)
		if (strcmp(a->devices[i], b->devices[i]))
			return false;
	for (size_t i = 0; i < a->n_types; i++)
		if (a->types[i] != b->types[i])
			return false;
	return true;
}

void filter_free(struct device_filter *f)
{
	for (size_t i = 0; i < f->n_devices; i++)
		free(f->devices[i]);
	*f = (struct device_filter){ 0 };
}
