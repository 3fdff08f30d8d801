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

#include "layout.h"
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
		/* --queues means something exactly where a group repeats, up
		 * to a limit within 16-bit queue indexes */
		assert_int_equal(t->queues_meaning != NULL, counted);
		assert_int_equal(t->queues_max != 0, counted);
		assert_true(t->queues_max <= 65535);
	}
}

static void assert_str_or_null(const char *got, const char *want)
{
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
}

/*
 * The queue lists of the spec (5.x.2) and the Linux drivers, written as
 * the spec and the driver sources say them, and checked through what the
 * program computes from the tables (the layout and the look-ups), not by
 * copying the tables' fields: with every feature of the type negotiated
 * and N repetitions, the queues in order, each with its spec index, the
 * driver's vq->name, the feature the spec says it "only exists if" (NULL:
 * always there), and whether SPEC.md's queue-stalled applies to its role
 * (requests, transmit, control, inflate/deflate/reporting: yes; receive,
 * event, balloon stats: the device holds buffers by design).
 */
struct queue_fact {
	const char *role;
	int spec_index;
	const char *linux_name, *needs;
	bool prompt;
};

static struct vq_features every_feature(const struct vq_device_type *t)
{
	struct vq_features f = { { 0, 0 } };

	for (unsigned int bit = 0; bit < VQ_FEATURE_BITS; bit++)
		if (virtio_feature_name(t, bit))
			features_set(&f, bit);
	return f;
}

static void check_queue_facts(const char *name, unsigned int n, const struct queue_fact *facts,
			      size_t count)
{
	const struct vq_device_type *t = type(name);
	struct layout_input in = { .type = t, .offered_known = true, .queues = n };
	struct layout l;

	in.offered = in.negotiated = every_feature(t);
	assert_int_equal(layout_compute(&in, &l), 0);
	assert_int_equal(l.n_queues, count);
	for (size_t i = 0; i < count; i++) {
		const struct queue_fact *f = &facts[i];

		assert_string_equal(l.queues[i].role, f->role);
		assert_string_equal(l.queues[i].linux_name, f->linux_name);
		assert_int_equal(l.queues[i].index[RULE_SPEC], f->spec_index);
		/* every queue present: the driver's dense numbering is the spec's */
		assert_int_equal(l.queues[i].index[RULE_LINUX], f->spec_index);
		if (virtio_role_prompt(t, f->role) != f->prompt)
			fail_msg("%s %s: prompt should be %d", name, f->role, f->prompt);
	}
	layout_free(&l);

	/* without its feature, a conditional queue is not the driver's */
	for (size_t i = 0; i < count; i++) {
		const struct queue_fact *f = &facts[i];
		struct layout_input less = in;
		int bit;

		if (!f->needs)
			continue;
		bit = virtio_feature_parse(t, f->needs);
		assert_true(bit >= 0);
		less.negotiated.word[bit / 64] &= ~(1ULL << (bit % 64));
		assert_int_equal(layout_compute(&less, &l), 0);
		for (size_t k = 0; k < l.n_queues; k++)
			if (!strcmp(l.queues[k].role, f->role))
				assert_int_equal(l.queues[k].index[RULE_LINUX], VQ_NULL_INDEX);
		layout_free(&l);
	}
}

static void test_balloon_queues(void **state)
{
	/* spec 5.5.2: "0 inflateq, 1 deflateq, 2 statsq, 3 free_page_vq,
	 * 4 reporting_vq"; statsq "only exists if VIRTIO_BALLOON_F_STATS_VQ
	 * is set", and so on.  virtio_balloon.c init_vqs() names. */
	static const struct queue_fact facts[] = {
		{ "inflateq", 0, "inflate", NULL, true },
		{ "deflateq", 1, "deflate", NULL, true },
		{ "statsq", 2, "stats", "VIRTIO_BALLOON_F_STATS_VQ", false },
		{ "free_page_vq", 3, "free_page_vq", "VIRTIO_BALLOON_F_FREE_PAGE_HINT", true },
		{ "reporting_vq", 4, "reporting_vq", "VIRTIO_BALLOON_F_PAGE_REPORTING", true },
	};

	(void)state;
	check_queue_facts("balloon", 1, facts, ARRAY_SIZE(facts));
	assert_null(type("balloon")->queues_meaning);
	assert_int_equal(type("balloon")->queues_max, 0);
}

static void test_net_queues(void **state)
{
	/* spec 5.1.2: receiveq1, transmitq1, ..., receiveqN, transmitqN,
	 * controlq at 2N "only if VIRTIO_NET_F_CTRL_VQ"; virtnet_find_vqs()
	 * "input.%d", "output.%d", "control".  5.1.4: max_virtqueue_pairs
	 * 1 to 0x8000. */
	static const struct queue_fact facts[] = {
		{ "receiveq1", 0, "input.0", NULL, false },
		{ "transmitq1", 1, "output.0", NULL, true },
		{ "receiveq2", 2, "input.1", NULL, false },
		{ "transmitq2", 3, "output.1", NULL, true },
		{ "receiveq3", 4, "input.2", NULL, false },
		{ "transmitq3", 5, "output.2", NULL, true },
		{ "controlq", 6, "control", "VIRTIO_NET_F_CTRL_VQ", true },
	};

	(void)state;
	check_queue_facts("net", 3, facts, ARRAY_SIZE(facts));
	assert_string_equal(type("net")->queues_meaning, "queue pairs (max_virtqueue_pairs)");
	assert_int_equal(type("net")->queues_max, 0x8000);
}

static void test_blk_queues(void **state)
{
	/* spec 5.2.2: requestq1..N; 5.2.4 num_queues is le16.
	 * virtio_blk.c init_vq(): "req.%u" */
	static const struct queue_fact facts[] = {
		{ "requestq1", 0, "req.0", NULL, true },
		{ "requestq2", 1, "req.1", NULL, true },
	};

	(void)state;
	check_queue_facts("blk", 2, facts, ARRAY_SIZE(facts));
	assert_int_equal(type("blk")->queues_max, 65535);
}

static void test_console_queues(void **state)
{
	/* spec 5.3.2: receiveq(port0), transmitq(port0), control receiveq,
	 * control transmitq, receiveq(port1), transmitq(port1), ...; the
	 * control queues and ports 1.. only with MULTIPORT.
	 * virtio_console.c init_vqs(): "input", "output", "control-i",
	 * "control-o". */
	static const struct queue_fact facts[] = {
		{ "receiveq0", 0, "input", NULL, false },
		{ "transmitq0", 1, "output", NULL, true },
		{ "control_receiveq", 2, "control-i", "VIRTIO_CONSOLE_F_MULTIPORT", false },
		{ "control_transmitq", 3, "control-o", "VIRTIO_CONSOLE_F_MULTIPORT", true },
		{ "receiveq1", 4, "input", "VIRTIO_CONSOLE_F_MULTIPORT", false },
		{ "transmitq1", 5, "output", "VIRTIO_CONSOLE_F_MULTIPORT", true },
	};

	(void)state;
	check_queue_facts("console", 2, facts, ARRAY_SIZE(facts));
	assert_string_equal(type("console")->queues_meaning, "ports (max_nr_ports)");
	/* 2N + 2 queues, indexes within 16 bits */
	assert_true(2 * type("console")->queues_max + 2 <= 65536);
}

/* virtio_role_prompt: numbered roles match their pattern, nothing else. */
static void test_role_prompt(void **state)
{
	static const struct { const char *type, *role; bool prompt; } cases[] = {
		{ "net", "transmitq1", true },
		{ "net", "transmitq12", true },
		{ "net", "transmitq32768", true },
		{ "net", "receiveq7", false },
		{ "net", "controlq", true },
		{ "net", "transmitq", false },		/* no number */
		{ "net", "transmitqx", false },
		{ "net", "transmitq1x", false },
		{ "net", "xtransmitq1", false },
		{ "net", "statsq", false },		/* another type's role */
		{ "net", "", false },
		{ "blk", "requestq3", true },
		{ "scsi", "eventq", false },
		{ "scsi", "requestq2", true },
		{ "vsock", "tx", true },
		{ "vsock", "rx", false },
		{ "rng", "requestq", false },		/* entropy comes when it comes */
		{ "fs", "notificationq", false },
		{ "fs", "requestq4", true },
		{ "console", "receiveq0", false },
		{ "console", "transmitq5", true },
		{ "console", "control_transmitq", true },
		{ "iomem", "requestq", false },		/* no queue table */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (virtio_role_prompt(type(cases[i].type), cases[i].role) != cases[i].prompt)
			fail_msg("%s %s: expected %d", cases[i].type, cases[i].role, cases[i].prompt);
	assert_false(virtio_role_prompt(NULL, "transmitq1"));
	assert_false(virtio_role_prompt(type("net"), NULL));
}

/* virtio_queue_single_element: by device ID and the driver's queue name. */
static void test_queue_single_element(void **state)
{
	(void)state;
	assert_true(virtio_queue_single_element(VQ_ID_BALLOON, "inflate"));
	assert_true(virtio_queue_single_element(VQ_ID_BALLOON, "free_page_vq"));
	assert_true(virtio_queue_single_element(VQ_ID_RNG, "input"));
	/* up to 32 pages of free page reports per buffer */
	assert_false(virtio_queue_single_element(VQ_ID_BALLOON, "reporting_vq"));
	/* header, data and status */
	assert_false(virtio_queue_single_element(VQ_ID_BLK, "req.0"));
	/* another type's queue of the same name */
	assert_false(virtio_queue_single_element(VQ_ID_BLK, "inflate"));
	assert_false(virtio_queue_single_element(VQ_ID_BALLOON, NULL));
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
		cmocka_unit_test(test_role_prompt),
		cmocka_unit_test(test_queue_single_element),
	};

	return cmocka_run_group_tests_name("virtio tables", tests, NULL, NULL);
}
