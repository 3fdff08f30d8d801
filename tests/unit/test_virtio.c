// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the virtio knowledge tables (src/virtio_tables.c), checked
 * against ../shared/reference/virtio-queue-layouts.md (sections 2, 3, 6).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "virtio.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static size_t n_types(void)
{
	size_t n = 0;

	while (virtio_type_at(n))
		n++;
	return n;
}

static const struct vq_device_type *type(const char *name)
{
	const struct vq_device_type *t = virtio_type_by_name(name);

	assert_non_null(t);
	return t;
}

/* ---- device types ---- */

static void test_type_ids_and_names_unique(void **state)
{
	size_t n = n_types();

	(void)state;
	assert_true(n > 40);
	for (size_t i = 0; i < n; i++) {
		const struct vq_device_type *a = virtio_type_at(i);

		assert_non_null(a->name);
		assert_non_null(a->title);
		assert_non_null(a->feature_prefix);
		assert_true(a->name[0] != '\0');
		for (const char *c = a->name; *c; c++)
			assert_true(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_');
		for (size_t j = i + 1; j < n; j++) {
			const struct vq_device_type *b = virtio_type_at(j);

			assert_int_not_equal(a->id, b->id);
			assert_string_not_equal(a->name, b->name);
		}
		assert_ptr_equal(virtio_type_by_id(a->id), a);
		assert_ptr_equal(virtio_type_by_name(a->name), a);
	}
	assert_null(virtio_type_at(n));
}

static void test_every_spec_id_present(void **state)
{
	/* content.tex "Device Types": 1..13 and 16..49, 37 being Linux-only. */
	(void)state;
	for (unsigned int id = 1; id <= 49; id++) {
		if (id == 14 || id == 15)
			assert_null(virtio_type_by_id(id));
		else
			assert_non_null(virtio_type_by_id(id));
	}
	assert_null(virtio_type_by_id(0));
	assert_null(virtio_type_by_id(50));
}

static void test_spec_sections(void **state)
{
	/* Device types with a section in chapter 5 (reference section 2). */
	static const struct { unsigned int id; const char *section; } specified[] = {
		{ 1, "5.1" }, { 2, "5.2" }, { 3, "5.3" }, { 4, "5.4" }, { 5, "5.5" },
		{ 8, "5.6" }, { 16, "5.7" }, { 18, "5.8" }, { 20, "5.9" }, { 19, "5.10" },
		{ 26, "5.11" }, { 28, "5.12" }, { 23, "5.13" }, { 25, "5.14" },
		{ 24, "5.15" }, { 34, "5.16" }, { 32, "5.17" }, { 41, "5.18" },
		{ 27, "5.19" }, { 36, "5.20" }, { 45, "5.21" }, { 48, "5.22" },
		{ 17, "5.23" },
	};
	size_t with_section = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(specified); i++) {
		const struct vq_device_type *t = virtio_type_by_id(specified[i].id);

		assert_non_null(t);
		assert_non_null(t->spec_section);
		assert_string_equal(t->spec_section, specified[i].section);
		/* the spec lists queues for every device it specifies */
		assert_non_null(t->groups);
	}
	for (size_t i = 0; i < n_types(); i++)
		with_section += virtio_type_at(i)->spec_section != NULL;
	assert_int_equal(with_section, ARRAY_SIZE(specified));
}

static void test_type_lookups(void **state)
{
	static const struct { const char *name; unsigned int id; } known[] = {
		{ "net", 1 }, { "blk", 2 }, { "console", 3 }, { "rng", 4 },
		{ "balloon", 5 }, { "rpmsg", 7 }, { "scsi", 8 }, { "9p", 9 },
		{ "gpu", 16 }, { "rtc", 17 }, { "input", 18 }, { "vsock", 19 },
		{ "crypto", 20 }, { "iommu", 23 }, { "mem", 24 }, { "sound", 25 },
		{ "fs", 26 }, { "pmem", 27 }, { "rpmb", 28 }, { "scmi", 32 },
		{ "nsm", 33 }, { "i2c", 34 }, { "can", 36 }, { "gpio", 41 },
		{ "spi", 45 }, { "media", 48 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		assert_int_equal(type(known[i].name)->id, known[i].id);
	assert_int_equal(virtio_type_by_name("BALLOON")->id, 5);
	assert_string_equal(virtio_type_by_id(5)->title, "Traditional Memory Balloon");
	assert_non_null(strstr(virtio_type_by_id(4)->title, "Entropy"));
	assert_null(virtio_type_by_name("nosuchdevice"));
	assert_null(virtio_type_by_name(""));
	assert_null(virtio_type_by_name(NULL));
}

/* ---- feature names ---- */

static void test_transport_names(void **state)
{
	static const struct { unsigned int bit; const char *name; } t[] = {
		{ 24, "NOTIFY_ON_EMPTY" }, { 27, "ANY_LAYOUT" },
		{ 28, "RING_INDIRECT_DESC" }, { 29, "RING_EVENT_IDX" },
		{ 32, "VERSION_1" }, { 33, "ACCESS_PLATFORM" }, { 34, "RING_PACKED" },
		{ 35, "IN_ORDER" }, { 36, "ORDER_PLATFORM" }, { 37, "SR_IOV" },
		{ 38, "NOTIFICATION_DATA" }, { 39, "NOTIF_CONFIG_DATA" },
		{ 40, "RING_RESET" }, { 41, "ADMIN_VQ" }, { 43, "SUSPEND" },
	};
	const struct vq_device_type *balloon = type("balloon");

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		assert_string_equal(virtio_transport_feature_name(t[i].bit), t[i].name);
		assert_string_equal(virtio_feature_name(balloon, t[i].bit), t[i].name);
		assert_string_equal(virtio_feature_name(NULL, t[i].bit), t[i].name);
		assert_int_equal(virtio_feature_parse(balloon, t[i].name), t[i].bit);
		assert_int_equal(virtio_feature_parse(NULL, t[i].name), t[i].bit);
	}
	/* 30 is UNUSED in the spec; 0..23 are never transport bits */
	assert_null(virtio_transport_feature_name(30));
	assert_null(virtio_transport_feature_name(0));
	assert_null(virtio_transport_feature_name(127));
	assert_null(virtio_transport_feature_name(1000));
}

static void test_transport_parse_spellings(void **state)
{
	const struct vq_device_type *net = type("net");

	(void)state;
	assert_int_equal(virtio_feature_parse(net, "VIRTIO_RING_F_INDIRECT_DESC"), 28);
	assert_int_equal(virtio_feature_parse(net, "VIRTIO_F_INDIRECT_DESC"), 28);
	assert_int_equal(virtio_feature_parse(net, "RING_INDIRECT_DESC"), 28);
	assert_int_equal(virtio_feature_parse(net, "VIRTIO_RING_F_EVENT_IDX"), 29);
	assert_int_equal(virtio_feature_parse(net, "VIRTIO_F_EVENT_IDX"), 29);
	assert_int_equal(virtio_feature_parse(net, "VIRTIO_F_VERSION_1"), 32);
	assert_int_equal(virtio_feature_parse(net, "virtio_f_version_1"), 32);
	assert_int_equal(virtio_feature_parse(net, "version_1"), 32);
	assert_int_equal(virtio_feature_parse(net, "VIRTIO_F_IOMMU_PLATFORM"), 33);
	assert_int_equal(virtio_feature_parse(net, "VIRTIO_F_ADMIN_VQ"), 41);
	assert_int_equal(virtio_feature_parse(NULL, "VIRTIO_F_RING_PACKED"), 34);
	/* a device prefix does not make a transport name */
	assert_int_equal(virtio_feature_parse(net, "VIRTIO_NET_F_VERSION_1"), -1);
}

static void test_balloon_features(void **state)
{
	const struct vq_device_type *b = type("balloon");

	(void)state;
	assert_string_equal(b->feature_prefix, "VIRTIO_BALLOON_F_");
	assert_string_equal(virtio_feature_name(b, 0), "MUST_TELL_HOST");
	assert_string_equal(virtio_feature_name(b, 1), "STATS_VQ");
	assert_string_equal(virtio_feature_name(b, 2), "DEFLATE_ON_OOM");
	assert_string_equal(virtio_feature_name(b, 3), "FREE_PAGE_HINT");
	assert_string_equal(virtio_feature_name(b, 4), "PAGE_POISON");
	assert_string_equal(virtio_feature_name(b, 5), "REPORTING");
	/* non-standard bits stay unnamed (reference 6.2) */
	assert_null(virtio_feature_name(b, 6));
	assert_null(virtio_feature_name(b, 7));
	assert_null(virtio_feature_name(b, 8));

	assert_int_equal(virtio_feature_parse(b, "VIRTIO_BALLOON_F_REPORTING"), 5);
	assert_int_equal(virtio_feature_parse(b, "reporting"), 5);
	assert_int_equal(virtio_feature_parse(b, "REPORTING"), 5);
	assert_int_equal(virtio_feature_parse(b, "PAGE_REPORTING"), 5);
	assert_int_equal(virtio_feature_parse(b, "VIRTIO_BALLOON_F_PAGE_REPORTING"), 5);
	assert_int_equal(virtio_feature_parse(b, "FREE_PAGE_REPORTING"), 5);
	assert_int_equal(virtio_feature_parse(b, "VIRTIO_BALLOON_F_FREE_PAGE_REPORTING"), 5);
	assert_int_equal(virtio_feature_parse(b, "VIRTIO_BALLOON_F_STATS_VQ"), 1);
	assert_int_equal(virtio_feature_parse(b, "stats_vq"), 1);
	assert_int_equal(virtio_feature_parse(b, " STATS_VQ "), 1);
	assert_int_equal(virtio_feature_parse(b, "FREE_PAGE_HINT"), 3);

	/* unknown or foreign names */
	assert_int_equal(virtio_feature_parse(b, "NOPE"), -1);
	assert_int_equal(virtio_feature_parse(b, ""), -1);
	assert_int_equal(virtio_feature_parse(b, " "), -1);
	assert_int_equal(virtio_feature_parse(b, NULL), -1);
	assert_int_equal(virtio_feature_parse(b, "VIRTIO_BALLOON_F_"), -1);
	assert_int_equal(virtio_feature_parse(b, "VIRTIO_NET_F_MQ"), -1);
	assert_int_equal(virtio_feature_parse(b, "MQ"), -1);
	assert_int_equal(virtio_feature_parse(b, "WS_REPORTING"), -1);
	assert_int_equal(virtio_feature_parse(b, "VIRTIO_F_STATS_VQ"), -1);
	/* aliases are per device */
	assert_int_equal(virtio_feature_parse(type("net"), "PAGE_REPORTING"), -1);
}

static void test_net_features(void **state)
{
	const struct vq_device_type *net = type("net");

	(void)state;
	assert_string_equal(virtio_feature_name(net, 17), "CTRL_VQ");
	assert_string_equal(virtio_feature_name(net, 22), "MQ");
	assert_string_equal(virtio_feature_name(net, 60), "RSS");
	assert_string_equal(virtio_feature_name(net, 64), "RSS_CONTEXT");
	assert_string_equal(virtio_feature_name(net, 70), "IPSEC");
	for (unsigned int bit = 64; bit <= 70; bit++)
		assert_non_null(virtio_feature_name(net, bit));
	/* transport wins for 41; 42 is only a (legacy) device bit */
	assert_string_equal(virtio_feature_name(net, 41), "ADMIN_VQ");
	assert_string_equal(virtio_feature_name(net, 42), "GUEST_RSC6");
	assert_int_equal(virtio_feature_parse(net, "GUEST_RSC4"), 41);
	assert_null(virtio_feature_name(net, 4));
	assert_null(virtio_feature_name(net, 58));
	assert_null(virtio_feature_name(net, 71));
	assert_int_equal(virtio_feature_parse(net, "VIRTIO_NET_F_RSS"), 60);
	assert_int_equal(virtio_feature_parse(net, "virtio_net_f_ctrl_vq"), 17);
	assert_int_equal(virtio_feature_parse(type("blk"), "VIRTIO_BLK_F_MQ"), 12);
	assert_int_equal(virtio_feature_parse(type("blk"), "WCE"), 9);
	assert_int_equal(virtio_feature_parse(type("console"), "MULTIPORT"), 1);
	assert_int_equal(virtio_feature_parse(type("9p"), "VIRTIO_9P_MOUNT_TAG"), 0);
}

static bool device_range(unsigned int bit)
{
	return bit <= 23 || bit == 41 || bit == 42 || (bit >= 50 && bit < VQ_FEATURE_BITS);
}

static void test_feature_tables_consistent(void **state)
{
	/* at least these carry device bits (issue 2, section 3) */
	static const char *const with_bits[] = {
		"net", "blk", "console", "balloon", "scsi", "9p", "vsock", "crypto",
		"iommu", "mem", "sound", "fs", "gpu", "rtc", "pmem", "scmi", "i2c",
		"can", "gpio",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(with_bits); i++)
		assert_true(type(with_bits[i])->n_features > 0);

	for (size_t i = 0; i < n_types(); i++) {
		const struct vq_device_type *t = virtio_type_at(i);

		assert_true((t->features == NULL) == (t->n_features == 0));
		assert_true(t->n_features == 0 || t->feature_prefix[0] != '\0');
		for (size_t j = 0; j < t->n_features; j++) {
			const struct vq_feature_name *f = &t->features[j];

			assert_true(device_range(f->bit));
			assert_non_null(f->name);
			assert_null(strchr(f->name, ' '));
			if (j)
				assert_true(t->features[j - 1].bit < f->bit);
			for (size_t k = j + 1; k < t->n_features; k++)
				assert_string_not_equal(f->name, t->features[k].name);
		}
		/* every name a bit prints parses back to that bit */
		for (unsigned int bit = 0; bit < VQ_FEATURE_BITS; bit++) {
			const char *name = virtio_feature_name(t, bit);
			char prefixed[128];

			if (!name)
				continue;
			assert_int_equal(virtio_feature_parse(t, name), bit);
			if (virtio_transport_feature_name(bit))
				continue;
			snprintf(prefixed, sizeof(prefixed), "%s%s", t->feature_prefix, name);
			assert_int_equal(virtio_feature_parse(t, prefixed), bit);
		}
	}
}

/* ---- queue tables ---- */

static bool has_counter(const char *s)
{
	return s && strstr(s, "%u");
}

/* Only one conversion, and it is %u: the tables feed snprintf. */
static void assert_format_ok(const char *s)
{
	const char *p;

	if (!s)
		return;
	p = strchr(s, '%');
	if (!p)
		return;
	assert_int_equal(p[1], 'u');
	assert_null(strchr(p + 2, '%'));
}

static bool is_named_feature(const struct vq_device_type *t, int bit)
{
	return bit >= 0 && virtio_feature_name(t, (unsigned int)bit) &&
	       !virtio_transport_feature_name((unsigned int)bit);
}

static void test_group_invariants(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_types(); i++) {
		const struct vq_device_type *t = virtio_type_at(i);
		bool counted = false;

		assert_true((t->groups == NULL) == (t->n_groups == 0));
		for (size_t g = 0; g < t->n_groups; g++) {
			const struct vq_group *grp = &t->groups[g];
			bool n_rule = grp->count == COUNT_N || grp->count == COUNT_N_MINUS_ONE;

			/* at least one role; roles are a NULL-terminated prefix */
			assert_non_null(grp->role[0]);
			for (int r = 0; r < VQ_GROUP_MAX_ROLES; r++) {
				if (!grp->role[r]) {
					assert_null(grp->linux_name[r]);
					for (int s = r; s < VQ_GROUP_MAX_ROLES; s++)
						assert_null(grp->role[s]);
					break;
				}
				/* "%u" in a role iff the group repeats */
				assert_int_equal(has_counter(grp->role[r]), n_rule);
				assert_format_ok(grp->role[r]);
				assert_format_ok(grp->linux_name[r]);
				if (has_counter(grp->linux_name[r]))
					assert_true(n_rule);
				/* a driver names all roles of a group or none */
				assert_true((grp->linux_name[r] == NULL) ==
					    (grp->linux_name[0] == NULL));
			}
			counted |= n_rule;

			if (grp->presence_bit != VQ_NO_BIT)
				assert_true(is_named_feature(t, grp->presence_bit));
			if (grp->spec_reserves_slot)
				assert_int_not_equal(grp->presence_bit, VQ_NO_BIT);
			for (int m = 0; m < 2; m++) {
				if (grp->multi_bits[m] == VQ_NO_BIT)
					continue;
				assert_int_equal(grp->count, COUNT_N);
				assert_true(is_named_feature(t, grp->multi_bits[m]));
			}
			if (grp->count == COUNT_ONE) {
				assert_int_equal(grp->role_base, 0);
				assert_int_equal(grp->name_base, 0);
			}
		}
		/* --queues means something exactly where a group repeats */
		assert_int_equal(t->queues_meaning != NULL, counted);
	}
}

struct exp_group {
	const char *role[2], *linux_name[2];
	bool prompt[2];
	int presence;
	bool reserves;
	enum vq_count_rule count;
	int multi[2];
	unsigned int role_base, name_base;
	bool follows;
};

static void assert_str_or_null(const char *got, const char *want)
{
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
}

static void check_groups(const char *name, const struct exp_group *exp, size_t n)
{
	const struct vq_device_type *t = type(name);

	assert_int_equal(t->n_groups, n);
	for (size_t g = 0; g < n; g++) {
		const struct vq_group *got = &t->groups[g];

		for (int r = 0; r < 2; r++) {
			assert_str_or_null(got->role[r], exp[g].role[r]);
			assert_str_or_null(got->linux_name[r], exp[g].linux_name[r]);
			if (exp[g].role[r])
				assert_int_equal(got->prompt[r], exp[g].prompt[r]);
		}
		assert_int_equal(got->presence_bit, exp[g].presence);
		assert_int_equal(got->spec_reserves_slot, exp[g].reserves);
		assert_int_equal(got->count, exp[g].count);
		assert_int_equal(got->multi_bits[0], exp[g].multi[0]);
		assert_int_equal(got->multi_bits[1], exp[g].multi[1]);
		assert_int_equal(got->role_base, exp[g].role_base);
		assert_int_equal(got->name_base, exp[g].name_base);
		assert_int_equal(got->device_follows_negotiation, exp[g].follows);
	}
}

#define NOB VQ_NO_BIT
#define NOM { NOB, NOB }

static void test_balloon_queues(void **state)
{
	/* reference 2 (spec 5.5.2) and 3 (virtio_balloon.c init_vqs) */
	static const struct exp_group exp[] = {
		{ { "inflateq" }, { "inflate" }, { true }, NOB, false, COUNT_ONE, NOM, 0, 0, false },
		{ { "deflateq" }, { "deflate" }, { true }, NOB, false, COUNT_ONE, NOM, 0, 0, false },
		{ { "statsq" }, { "stats" }, { false }, 1, true, COUNT_ONE, NOM, 0, 0, false },
		{ { "free_page_vq" }, { "free_page_vq" }, { true }, 3, true, COUNT_ONE, NOM, 0, 0, false },
		{ { "reporting_vq" }, { "reporting_vq" }, { true }, 5, true, COUNT_ONE, NOM, 0, 0, false },
	};
	static const char *const presence[] = {
		NULL, NULL, "STATS_VQ", "FREE_PAGE_HINT", "REPORTING",
	};
	const struct vq_device_type *b = type("balloon");

	(void)state;
	check_groups("balloon", exp, ARRAY_SIZE(exp));
	for (size_t g = 2; g < ARRAY_SIZE(presence); g++)
		assert_string_equal(virtio_feature_name(b, (unsigned int)b->groups[g].presence_bit),
				    presence[g]);
	assert_null(b->queues_meaning);
}

static void test_net_queues(void **state)
{
	/* spec 5.1.2; virtio_net.c virtnet_find_vqs */
	static const struct exp_group exp[] = {
		{ { "receiveq%u", "transmitq%u" }, { "input.%u", "output.%u" }, { false, true },
		  NOB, false, COUNT_N, { 22, 60 }, 1, 0, true },
		{ { "controlq" }, { "control" }, { true }, 17, false, COUNT_ONE, NOM, 0, 0, true },
	};

	(void)state;
	check_groups("net", exp, ARRAY_SIZE(exp));
	assert_string_equal(type("net")->queues_meaning, "queue pairs (max_virtqueue_pairs)");
}

static void test_blk_queues(void **state)
{
	/* spec 5.2.2; virtio_blk.c init_vq */
	static const struct exp_group exp[] = {
		{ { "requestq%u" }, { "req.%u" }, { true }, NOB, false, COUNT_N, { 12, NOB }, 1, 0, false },
	};

	(void)state;
	check_groups("blk", exp, ARRAY_SIZE(exp));
	assert_non_null(type("blk")->queues_meaning);
}

static void test_console_queues(void **state)
{
	/* spec 5.3.2; virtio_console.c init_vqs */
	static const struct exp_group exp[] = {
		{ { "receiveq0", "transmitq0" }, { "input", "output" }, { false, true },
		  NOB, false, COUNT_ONE, NOM, 0, 0, false },
		{ { "control_receiveq", "control_transmitq" }, { "control-i", "control-o" },
		  { false, true }, 1, false, COUNT_ONE, NOM, 0, 0, false },
		{ { "receiveq%u", "transmitq%u" }, { "input", "output" }, { false, true },
		  1, false, COUNT_N_MINUS_ONE, { NOB, NOB }, 1, 0, false },
	};

	(void)state;
	check_groups("console", exp, ARRAY_SIZE(exp));
	assert_string_equal(type("console")->queues_meaning, "ports (max_nr_ports)");
}

static void test_other_queue_names(void **state)
{
	/* First group's first role and Linux name (reference 3). */
	static const struct { const char *type, *role, *linux_name; bool prompt; } first[] = {
		{ "rng", "requestq", "input", false },
		{ "scsi", "controlq", "control", true },
		{ "9p", "requestq", "requests", true },
		{ "gpu", "controlq", "control", true },
		{ "input", "eventq", "events", false },
		{ "vsock", "rx", "rx", false },
		{ "crypto", "dataq%u", "dataq.%u", true },
		{ "iommu", "requestq", "request", true },
		{ "mem", "guest-request", "guest-request", true },
		{ "sound", "controlq", "virtsnd-ctl", true },
		{ "fs", "hiprio", "hiprio", true },
		{ "pmem", "req_vq", "flush_queue", true },
		{ "scmi", "cmdq", "tx", true },
		{ "i2c", "requestq", "msg", true },
		{ "gpio", "requestq", "requestq", true },
		{ "rtc", "requestq", "requestq", true },
		{ "spi", "requestq", "spi-rq", true },
		{ "rpmsg", "receiveq", "input", false },
		{ "nsm", "requestq", "nsm.vq.0", true },
		{ "can", "txq", NULL, true },
		{ "media", "commandq", NULL, true },
		{ "rpmb", "requestq", NULL, true },
	};
	const struct vq_device_type *fs = type("fs");

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(first); i++) {
		const struct vq_device_type *t = type(first[i].type);

		assert_non_null(t->groups);
		assert_string_equal(t->groups[0].role[0], first[i].role);
		assert_str_or_null(t->groups[0].linux_name[0], first[i].linux_name);
		assert_int_equal(t->groups[0].prompt[0], first[i].prompt);
	}
	/* fs: notification queue reserves slot 1, requests follow */
	assert_int_equal(fs->n_groups, 3);
	assert_int_equal(fs->groups[1].presence_bit, 0);
	assert_true(fs->groups[1].spec_reserves_slot);
	assert_string_equal(fs->groups[2].linux_name[0], "requests.%u");
	assert_int_equal(fs->groups[2].count, COUNT_N);
	/* last-position conditional queues */
	assert_int_equal(type("gpio")->groups[1].presence_bit, 0);
	assert_int_equal(type("scmi")->groups[1].presence_bit, 0);
	assert_int_equal(type("rtc")->groups[1].presence_bit, 0);
	assert_string_equal(type("sound")->groups[3].linux_name[0], "virtsnd-rx");
	assert_string_equal(type("crypto")->groups[1].linux_name[0], "controlq");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_ids_and_names_unique),
		cmocka_unit_test(test_every_spec_id_present),
		cmocka_unit_test(test_spec_sections),
		cmocka_unit_test(test_type_lookups),
		cmocka_unit_test(test_transport_names),
		cmocka_unit_test(test_transport_parse_spellings),
		cmocka_unit_test(test_balloon_features),
		cmocka_unit_test(test_net_features),
		cmocka_unit_test(test_feature_tables_consistent),
		cmocka_unit_test(test_group_invariants),
		cmocka_unit_test(test_balloon_queues),
		cmocka_unit_test(test_net_queues),
		cmocka_unit_test(test_blk_queues),
		cmocka_unit_test(test_console_queues),
		cmocka_unit_test(test_other_queue_names),
	};

	return cmocka_run_group_tests_name("virtio tables", tests, NULL, NULL);
}
