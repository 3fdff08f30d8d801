// SPDX-License-Identifier: GPL-2.0
/* Feature masks: parsing from flags and sysfs, formatting, naming. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "feature_mask.h"
#include "strbuf.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_hex(const char *hex, struct vq_features *out, char *err, size_t errlen)
{
	const char *digits = hex + 2;
	size_t n = strlen(digits);

	while (n > 1 && *digits == '0')	/* leading zeros carry no bits */
		digits++, n--;
	if (n == 0) {
		snprintf(err, errlen, "malformed feature mask '%s': no hex digits", hex);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int v = hex_digit(digits[n - 1 - i]);

		if (v < 0) {
			snprintf(err, errlen, "malformed feature mask '%s': '%c' is not a hex digit",
				 hex, digits[n - 1 - i]);
			return -1;
		}
		if (v && i >= VQ_FEATURE_BITS / 4) {
			snprintf(err, errlen, "malformed feature mask '%s': sets a bit above %d",
				 hex, VQ_FEATURE_BITS - 1);
			return -1;
		}
		if (v)
			out->word[i / 16] |= (uint64_t)v << (i % 16 * 4);
	}
	return 0;
}

/* "MUST_TELL_HOST,STATS_VQ,..." for the error message. */
static void list_valid_names(const struct vq_device_type *type, struct strlist *out)
{
	for (unsigned int bit = 0; bit < VQ_FEATURE_BITS; bit++) {
		const char *name = virtio_feature_name(type, bit);

		if (name)
			strlist_add(out, ",", "%s", name);
	}
}

static int parse_names(const struct vq_device_type *type, const char *arg,
		       struct vq_features *out, char *err, size_t errlen)
{
	char *copy = strdup(arg);
	int ret = 0, names = 0;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* strsep, not strtok: an empty name between commas is an error */
	for (char *rest = copy, *tok; (tok = strsep(&rest, ",")) != NULL;) {
		int bit = virtio_feature_parse(type, tok);

		if (!tok[0]) {
			snprintf(err, errlen, "empty name in feature list '%s'", arg);
			ret = -1;
			break;
		}
		if (bit < 0) {
			struct strlist valid = { 0 };

			list_valid_names(type, &valid);
			snprintf(err, errlen, "unknown %s feature '%s'; valid names: %s",
				 type->name, tok, valid.oom ? "(out of memory)" : strlist_str(&valid));
			strlist_free(&valid);
			ret = -1;
			break;
		}
		features_set(out, (unsigned int)bit);
		names++;
	}
	if (!ret && !names) {
		snprintf(err, errlen, "empty feature list '%s'", arg);
		ret = -1;
	}
	free(copy);
	return ret;
}

int features_parse_arg(const struct vq_device_type *type, const char *arg,
		       struct vq_features *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!arg[0]) {
		snprintf(err, errlen, "empty feature list");
		return -1;
	}
	if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X'))
		return parse_hex(arg, out, err, errlen);
	return parse_names(type, arg, out, err, errlen);
}

int features_parse_sysfs(const char *text, struct vq_features *out, unsigned int *width)
{
	size_t n = strcspn(text, "\n");

	memset(out, 0, sizeof(*out));
	if (n != 64 && n != VQ_FEATURE_BITS)
		return -1;
	for (size_t bit = 0; bit < n; bit++) {
		if (text[bit] == '1')
			features_set(out, (unsigned int)bit);
		else if (text[bit] != '0')
			return -1;
	}
	*width = (unsigned int)n;
	return 0;
}

void features_format_hex(const struct vq_features *f, char *buf, size_t len)
{
	if (f->word[1])
		snprintf(buf, len, "0x%llx%016llx", (unsigned long long)f->word[1],
			 (unsigned long long)f->word[0]);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)f->word[0]);
}

int features_next(const struct vq_features *f, int from)
{
	for (int bit = from < 0 ? 0 : from; bit < VQ_FEATURE_BITS; bit++)
		if (features_has(f, (unsigned int)bit))
			return bit;
	return -1;
}

bool features_is_subset(const struct vq_features *sub, const struct vq_features *super)
{
	return !(sub->word[0] & ~super->word[0]) && !(sub->word[1] & ~super->word[1]);
}

bool features_label(const struct vq_device_type *type, unsigned int bit, char *buf, size_t len)
{
	const char *name = type ? virtio_feature_name(type, bit) : virtio_transport_feature_name(bit);

	if (name)
		strbuf_copy(buf, len, name);
	else
		snprintf(buf, len, "bit %u", bit);
	return name != NULL;
}
