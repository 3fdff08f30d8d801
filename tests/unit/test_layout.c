// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the queue numbering rules (src/layout.c) and the findings
 * they lead to, checked against ../shared/reference/virtio-queue-layouts.md:
 * section 5 (the balloon decision table, copied below as data) and
 * sections 2, 3 and 7 (net, blk, console, types without a spec section);
 * then layout_fit, the multi-queue count that explains the queues a device
 * shows (by index, as BPF does, or by name only, as vectors do), and the
 * layout-to-model copy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "findings.h"
#include "layout.h"
#include "model.h"
#include "virtio.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define X VQ_NULL_INDEX

/* Feature bits that shape queue layouts (reference section 6.2, bold). */
enum {
	BALLOON_STATS_VQ = 1,
	BALLOON_FREE_PAGE_HINT = 3,
	BALLOON_REPORTING = 5,
	NET_CTRL_VQ = 17,
	NET_MQ = 22,
	NET_RSS = 60,
	BLK_MQ = 12,
	CONSOLE_MULTIPORT = 1,
};

static const struct vq_device_type *type(const char *name)
{
	const struct vq_device_type *t = virtio_type_by_name(name);

	assert_non_null(t);
	return t;
}

static struct vq_features bits(const int *list, size_t n)
{
	struct vq_features f = { { 0, 0 } };

	for (size_t i = 0; i < n; i++)
		features_set(&f, (unsigned int)list[i]);
	return f;
}

#define BITS(...) bits((const int[]){ __VA_ARGS__ }, \
		       sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int))
#define NO_BITS ((struct vq_features){ { 0, 0 } })

static const struct layout_queue *find_role(const struct layout *l, const char *role)
{
	for (size_t i = 0; i < l->n_queues; i++)
		if (!strcmp(l->queues[i].role, role))
			return &l->queues[i];
	return NULL;
}


/* ---- balloon: reference section 5, all 27 rows ---- */

/*
 * One row of the decision table, as the reference writes it.  States are
 * "S F R" for STATS_VQ, FREE_PAGE_HINT, REPORTING: '-' not offered,
 * 'O' offered but not negotiated, 'N' offered and negotiated.  Index
 * columns list "S=2 F=3 R=4" for the queues they show ("" for the
 * reference's "—"); the differ columns list the roles that differ
 * ("" for "agree").
 */
struct balloon_row {
	int no;
	const char *states;
	const char *spec, *linux_idx, *dense;
	const char *linux_vs_spec, *linux_vs_dense;
};

static const struct balloon_row balloon_rows[] = {
	{  1, "---", "",            "",            "",            "",    ""    },
	{  2, "--O", "",            "",            "R=2",         "",    ""    },
	{  3, "--N", "R=4",         "R=2",         "R=2",         "R",   ""    },
	{  4, "-O-", "",            "",            "F=2",         "",    ""    },
	{  5, "-OO", "",            "",            "F=2 R=3",     "",    ""    },
	{  6, "-ON", "R=4",         "R=2",         "F=2 R=3",     "R",   "R"   },
	{  7, "-N-", "F=3",         "F=2",         "F=2",         "F",   ""    },
	{  8, "-NO", "F=3",         "F=2",         "F=2 R=3",     "F",   ""    },
	{  9, "-NN", "F=3 R=4",     "F=2 R=3",     "F=2 R=3",     "F,R", ""    },
	{ 10, "O--", "",            "",            "S=2",         "",    ""    },
	{ 11, "O-O", "",            "",            "S=2 R=3",     "",    ""    },
	{ 12, "O-N", "R=4",         "R=2",         "S=2 R=3",     "R",   "R"   },
	{ 13, "OO-", "",            "",            "S=2 F=3",     "",    ""    },
	{ 14, "OOO", "",            "",            "S=2 F=3 R=4", "",    ""    },
	{ 15, "OON", "R=4",         "R=2",         "S=2 F=3 R=4", "R",   "R"   },
	{ 16, "ON-", "F=3",         "F=2",         "S=2 F=3",     "F",   "F"   },
	{ 17, "ONO", "F=3",         "F=2",         "S=2 F=3 R=4", "F",   "F"   },
	{ 18, "ONN", "F=3 R=4",     "F=2 R=3",     "S=2 F=3 R=4", "F,R", "F,R" },
	{ 19, "N--", "S=2",         "S=2",         "S=2",         "",    ""    },
	{ 20, "N-O", "S=2",         "S=2",         "S=2 R=3",     "",    ""    },
	{ 21, "N-N", "S=2 R=4",     "S=2 R=3",     "S=2 R=3",     "R",   ""    },
	{ 22, "NO-", "S=2",         "S=2",         "S=2 F=3",     "",    ""    },
	{ 23, "NOO", "S=2",         "S=2",         "S=2 F=3 R=4", "",    ""    },
	{ 24, "NON", "S=2 R=4",     "S=2 R=3",     "S=2 F=3 R=4", "R",   "R"   },
	{ 25, "NN-", "S=2 F=3",     "S=2 F=3",     "S=2 F=3",     "",    ""    },
	{ 26, "NNO", "S=2 F=3",     "S=2 F=3",     "S=2 F=3 R=4", "",    ""    },
	{ 27, "NNN", "S=2 F=3 R=4", "S=2 F=3 R=4", "S=2 F=3 R=4", "",    ""    },
};

/* The three optional queues, in the table's S, F, R order. */
static const struct {
	char letter;
	const char *role, *linux_name, *feature;
	int bit, spec_slot;
} optional[3] = {
	{ 'S', "statsq", "stats", "STATS_VQ", BALLOON_STATS_VQ, 2 },
	{ 'F', "free_page_vq", "free_page_vq", "FREE_PAGE_HINT", BALLOON_FREE_PAGE_HINT, 3 },
	{ 'R', "reporting_vq", "reporting_vq", "REPORTING", BALLOON_REPORTING, 4 },
};

static int letter_slot(char c)
{
	for (int k = 0; k < 3; k++)
		if (optional[k].letter == c)
			return k;
	fail_msg("bad role letter '%c' in the table", c);
	return -1;
}

/* "S=2 R=3" -> idx[S] = 2, idx[F] = null, idx[R] = 3 */
static void parse_indexes(const char *col, int idx[3])
{
	char letter;
	int value, used;

	idx[0] = idx[1] = idx[2] = X;
	while (sscanf(col, " %c=%d%n", &letter, &value, &used) == 2) {
		idx[letter_slot(letter)] = value;
		col += used;
	}
	assert_int_equal(strspn(col, " "), strlen(col));
}

/* "F,R" -> differ[F] = differ[R] = true */
static void parse_roles(const char *col, bool differ[3])
{
	differ[0] = differ[1] = differ[2] = false;
	for (; *col; col++)
		if (*col != ',')
			differ[letter_slot(*col)] = true;
}

static int count_code(const struct vq_report *r, const char *code)
{
	int n = 0;

	for (size_t i = 0; i < r->n_findings; i++)
		n += !strcmp(r->findings[i].code, code);
	return n;
}

static const struct vq_finding *finding_at(const struct vq_report *r, const char *code,
					   int queue)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (!strcmp(r->findings[i].code, code) && r->findings[i].queue == queue)
			return &r->findings[i];
	return NULL;
}

/* A row's columns as numbers, indexed by optional[]. */
struct row_values {
	int spec[3], linux_idx[3], dense[3];
	bool vs_spec[3], vs_dense[3];
};

static void parse_row(const struct balloon_row *row, struct row_values *v)
{
	parse_indexes(row->spec, v->spec);
	parse_indexes(row->linux_idx, v->linux_idx);
	parse_indexes(row->dense, v->dense);
	parse_roles(row->linux_vs_spec, v->vs_spec);
	parse_roles(row->linux_vs_dense, v->vs_dense);

	/* the table agrees with itself: Linux and spec list exactly the
	 * negotiated queues, the offered-dense device exactly the offered
	 * ones, and "DIFFER" marks exactly the unequal indexes */
	for (int k = 0; k < 3; k++) {
		bool negotiated = row->states[k] == 'N';

		assert_int_equal(v->linux_idx[k] != X, negotiated);
		assert_int_equal(v->spec[k] != X, negotiated);
		assert_int_equal(v->dense[k] != X, row->states[k] != '-');
		assert_int_equal(v->vs_spec[k], negotiated && v->linux_idx[k] != v->spec[k]);
		assert_int_equal(v->vs_dense[k], negotiated && v->linux_idx[k] != v->dense[k]);
	}
}

static void check_row_layout(const struct balloon_row *row, const struct row_values *v,
			     const struct layout *l)
{
	unsigned int n_neg = 0, n_off = 0;

	/* inflate and deflate never move */
	for (int k = 0; k < 2; k++) {
		const struct layout_queue *q = find_role(l, k ? "deflateq" : "inflateq");

		assert_non_null(q);
		assert_string_equal(q->linux_name, k ? "deflate" : "inflate");
		for (int rule = 0; rule < RULE_COUNT; rule++)
			assert_int_equal(q->index[rule], k);
	}

	for (int k = 0; k < 3; k++) {
		const struct layout_queue *q = find_role(l, optional[k].role);
		bool negotiated = row->states[k] == 'N';

		n_neg += negotiated;
		n_off += row->states[k] != '-';
		/* the spec's fixed place exists whether the queue does or not
		 * ("S=2, F=3, R=4 regardless of other features") */
		assert_non_null(q);
		assert_string_equal(q->linux_name, optional[k].linux_name);
		assert_int_equal(q->index[RULE_SPEC], negotiated ? v->spec[k] : optional[k].spec_slot);
		assert_int_equal(q->index[RULE_LINUX], v->linux_idx[k]);
		assert_int_equal(q->index[RULE_OFFERED_DENSE], v->dense[k]);

		/* a name the driver does not use is not found */
		if (negotiated)
			assert_ptr_equal(layout_find_name(l, optional[k].linux_name), q);
		else
			assert_null(layout_find_name(l, optional[k].linux_name));
	}
	assert_int_equal(l->count[RULE_LINUX], 2 + n_neg);
	assert_int_equal(l->count[RULE_OFFERED_DENSE], 2 + n_off);
}

/*
 * The findings `vqwatch layout` shows for the row (findings_run, as the
 * command calls it): spec-index-deviation exactly where "Linux vs spec"
 * differs, offered-not-negotiated exactly where "Linux vs offered-dense"
 * differs, on the Linux index; one queue-count-mismatch exactly when the
 * offered-dense device has a queue the driver declined before one it uses
 * (the same rows: "Linux vs offered-dense" differs), never for declined
 * trailing queues (SPEC.md); and on rows where both columns agree, no
 * warning at all (so --fail-on warning exits 0).
 */
static void check_row_findings(const struct balloon_row *row, const struct row_values *v,
			       const struct vq_report *report)
{
	int want_spec = 0, want_dense = 0;

	for (int k = 0; k < 3; k++) {
		const struct vq_finding *f;

		if (v->linux_idx[k] == X)	/* no driver queue, no finding */
			continue;
		f = finding_at(report, "spec-index-deviation", v->linux_idx[k]);
		if (v->vs_spec[k]) {
			want_spec++;
			assert_non_null(f);
			assert_int_equal(f->severity, SEVERITY_WARNING);
			assert_string_equal(f->device, "balloon");
			assert_non_null(strstr(f->message, optional[k].role));
		} else {
			assert_null(f);
		}

		f = finding_at(report, "offered-not-negotiated", v->linux_idx[k]);
		if (v->vs_dense[k]) {
			want_dense++;
			assert_non_null(f);
			assert_int_equal(f->severity, SEVERITY_CRITICAL);
			assert_non_null(strstr(f->message, optional[k].role));
			/* it names each declined feature that moved the queue,
			 * and no negotiated one */
			for (int p = 0; p < 3; p++) {
				const char *named = strstr(f->message, optional[p].feature);

				if (row->states[p] == 'N')
					assert_null(named);
				else if (row->states[p] == 'O' && p < k)
					assert_non_null(named);
			}
		} else {
			assert_null(f);
		}
	}
	assert_int_equal(count_code(report, "spec-index-deviation"), want_spec);
	assert_int_equal(count_code(report, "offered-not-negotiated"), want_dense);
	assert_int_equal(count_code(report, "queue-count-mismatch"), want_dense > 0);
	if (!row->linux_vs_spec[0] && !row->linux_vs_dense[0])
		assert_true(findings_max_severity(report) < SEVERITY_WARNING);
	/* bits 1, 3 and 5 are named: nothing else to say */
	assert_int_equal(report->n_findings, (size_t)(want_spec + want_dense + (want_dense > 0)));
}

static void test_balloon_row(void **state)
{
	const struct balloon_row *row = *state;
	struct layout_input in = { .type = type("balloon"), .offered_known = true, .queues = 1 };
	struct vq_report report = { 0 };
	struct row_values v;
	struct layout l;

	parse_row(row, &v);
	for (int k = 0; k < 3; k++) {
		if (row->states[k] != '-')
			features_set(&in.offered, optional[k].bit);
		if (row->states[k] == 'N')
			features_set(&in.negotiated, optional[k].bit);
	}

	assert_int_equal(layout_compute(&in, &l), 0);
	check_row_layout(row, &v, &l);

	assert_non_null(report_add_device(&report));
	assert_int_equal(layout_to_device(&in, &l, &report.devices[0]), 0);
	assert_int_equal(findings_run(&report, NULL), 0);
	check_row_findings(row, &v, &report);

	report_free(&report);
	layout_free(&l);
}

/* ---- the other device types: expected queue lists ---- */

struct exp_queue {
	const char *role, *linux_name;
	int spec, linux_idx, dense;
};

/* The layout is exactly these queues, in this order. */
static void expect_queues(const struct layout *l, const struct exp_queue *exp, size_t n)
{
	assert_int_equal(l->n_queues, n);
	for (size_t i = 0; i < n; i++) {
		const struct layout_queue *q = &l->queues[i];

		assert_string_equal(q->role, exp[i].role);
		assert_string_equal(q->linux_name, exp[i].linux_name);
		assert_int_equal(q->index[RULE_SPEC], exp[i].spec);
		assert_int_equal(q->index[RULE_LINUX], exp[i].linux_idx);
		assert_int_equal(q->index[RULE_OFFERED_DENSE], exp[i].dense);
	}
}

static void compute(struct layout *l, const char *type_name, struct vq_features offered,
		    struct vq_features negotiated, unsigned int queues)
{
	struct layout_input in = {
		.type = type(type_name),
		.offered = offered,
		.negotiated = negotiated,
		.offered_known = true,
		.queues = queues,
	};

	assert_int_equal(layout_compute(&in, l), 0);
}

/*
 * net (reference 2 "5.1", 3, 7): input.i at 2i, output.i at 2i+1 for
 * i < P, control at 2P when CTRL_VQ is negotiated.  Spec, Linux and QEMU
 * agree (QEMU rebuilds the queues at set_features, reference 4.1).
 * Linux's P is max_virtqueue_pairs only when MQ (or RSS) and CTRL_VQ are
 * both negotiated (reference 3, virtnet_probe), else 1; MQ without
 * CTRL_VQ also breaks spec 5.1.3.1.
 */
static void check_net(unsigned int queues, bool ctrl)
{
	struct vq_features f = ctrl ? BITS(NET_MQ, NET_CTRL_VQ) : BITS(NET_MQ);
	unsigned int pairs = ctrl ? queues : 1;
	struct exp_queue exp[2 * 4 + 1];
	char roles[2 * 4 + 1][32], names[2 * 4 + 1][32];
	size_t n = 0;
	struct layout l;

	for (unsigned int i = 0; i < pairs; i++) {
		for (int tx = 0; tx < 2; tx++) {
			snprintf(roles[n], sizeof(roles[n]), "%sq%u",
				 tx ? "transmit" : "receive", i + 1);
			snprintf(names[n], sizeof(names[n]), "%s.%u", tx ? "output" : "input", i);
			exp[n] = (struct exp_queue){ roles[n], names[n], (int)(2 * i + tx),
						     (int)(2 * i + tx), (int)(2 * i + tx) };
			n++;
		}
	}
	if (ctrl) {
		exp[n] = (struct exp_queue){ "controlq", "control", (int)(2 * pairs),
					     (int)(2 * pairs), (int)(2 * pairs) };
		n++;
	}
	compute(&l, "net", f, f, queues);
	expect_queues(&l, exp, n);
	assert_int_equal(l.count[RULE_LINUX], n);
	if (ctrl)
		assert_int_equal(layout_find_name(&l, "control")->index[RULE_LINUX], 2 * pairs);
	else
		assert_null(layout_find_name(&l, "control"));
	layout_free(&l);
}

static void test_net_pairs(void **state)
{
	static const unsigned int pairs[] = { 1, 2, 4 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		check_net(pairs[i], true);
		check_net(pairs[i], false);
	}
}

static void test_net_without_mq_one_pair(void **state)
{
	static const struct exp_queue ctrl[] = {
		{ "receiveq1", "input.0", 0, 0, 0 },
		{ "transmitq1", "output.0", 1, 1, 1 },
		{ "controlq", "control", 2, 2, 2 },
	};
	struct layout l;

	(void)state;
	/* --queues 4 without MQ: one pair, control at 2 */
	compute(&l, "net", BITS(NET_CTRL_VQ), BITS(NET_CTRL_VQ), 4);
	expect_queues(&l, ctrl, 3);
	assert_null(layout_find_name(&l, "input.1"));
	layout_free(&l);

	compute(&l, "net", NO_BITS, NO_BITS, 4);
	expect_queues(&l, ctrl, 2);
	layout_free(&l);

	/* MQ offered but declined: QEMU follows negotiation, so even the
	 * offered-dense rule has one pair and control at 2 */
	compute(&l, "net", BITS(NET_MQ, NET_CTRL_VQ), BITS(NET_CTRL_VQ), 4);
	expect_queues(&l, ctrl, 3);
	layout_free(&l);
}

static void test_net_rss_multiplies(void **state)
{
	static const struct exp_queue exp[] = {
		{ "receiveq1", "input.0", 0, 0, 0 },
		{ "transmitq1", "output.0", 1, 1, 1 },
		{ "receiveq2", "input.1", 2, 2, 2 },
		{ "transmitq2", "output.1", 3, 3, 3 },
		{ "controlq", "control", 4, 4, 4 },
	};
	struct layout l;

	(void)state;
	/* spec 5.1.2: N > 1 with MQ or RSS (bit 60) */
	compute(&l, "net", BITS(NET_RSS, NET_CTRL_VQ), BITS(NET_RSS, NET_CTRL_VQ), 2);
	expect_queues(&l, exp, ARRAY_SIZE(exp));
	layout_free(&l);
}

static void test_blk(void **state)
{
	static const struct exp_queue mq[] = {
		{ "requestq1", "req.0", 0, 0, 0 },
		{ "requestq2", "req.1", 1, 1, 1 },
		{ "requestq3", "req.2", 2, 2, 2 },
		{ "requestq4", "req.3", 3, 3, 3 },
	};
	struct layout l;

	(void)state;
	compute(&l, "blk", BITS(BLK_MQ), BITS(BLK_MQ), 4);
	expect_queues(&l, mq, ARRAY_SIZE(mq));
	assert_int_equal(layout_find_name(&l, "req.3")->index[RULE_LINUX], 3);
	layout_free(&l);

	/* without MQ: one request queue whatever num_queues says */
	compute(&l, "blk", NO_BITS, NO_BITS, 4);
	expect_queues(&l, mq, 1);
	assert_null(layout_find_name(&l, "req.1"));
	layout_free(&l);
}

static void test_console(void **state)
{
	/* reference 3: 0 input, 1 output, 2 control-i, 3 control-o, then
	 * port p at 2p+2 / 2p+3 (the port queues' names carry no number) */
	static const struct exp_queue multiport[] = {
		{ "receiveq0", "input", 0, 0, 0 },
		{ "transmitq0", "output", 1, 1, 1 },
		{ "control_receiveq", "control-i", 2, 2, 2 },
		{ "control_transmitq", "control-o", 3, 3, 3 },
		{ "receiveq1", "input", 4, 4, 4 },
		{ "transmitq1", "output", 5, 5, 5 },
		{ "receiveq2", "input", 6, 6, 6 },
		{ "transmitq2", "output", 7, 7, 7 },
	};
	struct layout l;

	(void)state;
	compute(&l, "console", BITS(CONSOLE_MULTIPORT), BITS(CONSOLE_MULTIPORT), 3);
	expect_queues(&l, multiport, ARRAY_SIZE(multiport));
	/* a shared name finds the first queue, port 0's */
	assert_int_equal(layout_find_name(&l, "input")->index[RULE_LINUX], 0);
	assert_int_equal(layout_find_name(&l, "control-o")->index[RULE_LINUX], 3);
	layout_free(&l);

	/* one port with MULTIPORT: port 0 and the control pair */
	compute(&l, "console", BITS(CONSOLE_MULTIPORT), BITS(CONSOLE_MULTIPORT), 1);
	expect_queues(&l, multiport, 4);
	layout_free(&l);

	/* no MULTIPORT: port 0 only, whatever max_nr_ports says */
	compute(&l, "console", NO_BITS, NO_BITS, 3);
	expect_queues(&l, multiport, 2);
	assert_null(layout_find_name(&l, "control-i"));
	layout_free(&l);
}

static void test_no_spec_section(void **state)
{
	/* rpmsg (7) and 9p (9): the spec only reserves the ID, so it gives
	 * no index; the Linux driver's queues still have theirs */
	static const struct exp_queue rpmsg[] = {
		{ "receiveq", "input", X, 0, 0 },
		{ "transmitq", "output", X, 1, 1 },
	};
	static const struct exp_queue p9[] = {
		{ "requestq", "requests", X, 0, 0 },
	};
	struct vq_report report = { 0 };
	struct layout_input in = { .type = type("rpmsg"), .offered_known = true, .queues = 1 };
	struct layout l;

	(void)state;
	assert_null(type("rpmsg")->spec_section);
	assert_null(type("9p")->spec_section);
	compute(&l, "9p", NO_BITS, NO_BITS, 1);
	expect_queues(&l, p9, ARRAY_SIZE(p9));
	layout_free(&l);

	assert_int_equal(layout_compute(&in, &l), 0);
	expect_queues(&l, rpmsg, ARRAY_SIZE(rpmsg));
	/* no spec index, so no spec-index-deviation */
	assert_non_null(report_add_device(&report));
	assert_int_equal(layout_to_device(&in, &l, &report.devices[0]), 0);
	assert_int_equal(findings_run(&report, NULL), 0);
	assert_int_equal(report.n_findings, 0);
	report_free(&report);
	layout_free(&l);
}

static void test_offered_unknown(void **state)
{
	struct layout_input in = {
		.type = type("balloon"),
		.negotiated = BITS(BALLOON_STATS_VQ, BALLOON_REPORTING),
		.offered_known = false,
		.queues = 1,
	};
	struct layout l;

	(void)state;
	assert_int_equal(layout_compute(&in, &l), 0);
	assert_int_equal(find_role(&l, "reporting_vq")->index[RULE_LINUX], 3);
	for (size_t i = 0; i < l.n_queues; i++)
		assert_int_equal(l.queues[i].index[RULE_OFFERED_DENSE], X);
	assert_int_equal(l.count[RULE_OFFERED_DENSE], 0);
	layout_free(&l);
}

static void test_type_without_queue_table(void **state)
{
	struct layout_input in = { .type = type("iomem"), .offered_known = true, .queues = 1 };
	struct layout l;

	(void)state;
	assert_null(in.type->groups);
	assert_int_equal(layout_compute(&in, &l), 0);
	assert_int_equal(l.n_queues, 0);
	assert_null(layout_find_name(&l, "input"));
	layout_free(&l);
}

static void test_find_name(void **state)
{
	struct vq_features neg = BITS(BALLOON_STATS_VQ, BALLOON_REPORTING);
	struct layout l;
	const struct layout_queue *q;

	(void)state;
	/* reference 5 row 21, the common real case */
	compute(&l, "balloon", neg, neg, 1);
	q = layout_find_name(&l, "reporting_vq");
	assert_non_null(q);
	assert_string_equal(q->role, "reporting_vq");
	assert_int_equal(q->index[RULE_LINUX], 3);
	assert_int_equal(q->index[RULE_SPEC], 4);
	assert_int_equal(layout_find_name(&l, "stats")->index[RULE_LINUX], 2);
	assert_int_equal(layout_find_name(&l, "inflate")->index[RULE_LINUX], 0);
	/* free_page_vq has a spec slot but no driver queue */
	assert_non_null(find_role(&l, "free_page_vq"));
	assert_null(layout_find_name(&l, "free_page_vq"));
	/* roles are not names, and names match exactly */
	assert_null(layout_find_name(&l, "statsq"));
	assert_null(layout_find_name(&l, "STATS"));
	assert_null(layout_find_name(&l, "stat"));
	assert_null(layout_find_name(&l, ""));
	layout_free(&l);
}

/* ---- layout_fit: the multi-queue count that explains the shown queues ---- */

enum { FS_NOTIFICATION = 0 };

#define ALL_BITS ((struct vq_features){ { UINT64_MAX, UINT64_MAX } })

static struct layout_input input(const char *type_name, struct vq_features negotiated)
{
	return (struct layout_input){
		.type = type(type_name), .offered = negotiated, .negotiated = negotiated,
		.offered_known = true,
	};
}

/* What the kernel would show of layout l: every Linux queue, by index
 * (BPF), or by name only (vectors; except the names in `silent`, queues
 * without a callback and so without a vector). */
struct shown_list {
	struct layout_shown q[4096];
	char names[4096][48];
	size_t n;
};

static void add_shown(struct shown_list *s, int index, const char *name)
{
	assert_true(s->n < ARRAY_SIZE(s->q));
	snprintf(s->names[s->n], sizeof(s->names[s->n]), "%s", name);
	s->q[s->n] = (struct layout_shown){ index, s->names[s->n] };
	s->n++;
}

static void show_layout(struct shown_list *s, const struct layout *l, bool by_index,
			const char *silent)
{
	s->n = 0;
	for (unsigned int i = 0; i < l->count[RULE_LINUX]; i++) {
		const struct layout_queue *q = layout_at(l, (int)i, NULL);

		assert_non_null(q);
		if (by_index)
			add_shown(s, (int)i, q->linux_name);
		else if (!silent || strcmp(silent, q->linux_name))
			add_shown(s, VQ_NULL_INDEX, q->linux_name);
	}
}

/* The layout for N (a layout_compute the test trusts: test_layout.c). */
static void compute_n(const struct layout_input *in, unsigned int n, struct layout *l)
{
	struct layout_input at = *in;

	at.queues = n;
	assert_int_equal(layout_compute(&at, l), 0);
}

/* The device shows all its queues for N, by index and by name: both
 * explain N, with the very layout layout_compute gives for it. */
static void expect_fit_of(const struct layout_input *in, unsigned int n, const char *silent,
			  unsigned int expect_n)
{
	static struct shown_list s;
	struct layout want, got;

	compute_n(in, n, &want);
	for (int by_index = 0; by_index < 2; by_index++) {
		show_layout(&s, &want, by_index, silent);
		assert_int_equal(layout_fit(in, s.q, s.n, &got), 0);
		assert_int_equal(got.mq_count, expect_n);
		assert_int_equal(got.n_queues, want.n_queues);
		for (int r = 0; r < RULE_COUNT; r++)
			assert_int_equal(got.count[r], want.count[r]);
		for (size_t i = 0; i < s.n; i++)
			if (s.q[i].index != VQ_NULL_INDEX)
				assert_non_null(layout_at(&got, s.q[i].index, s.q[i].name));
		layout_free(&got);
	}
	layout_free(&want);
}

/* net: input.i/output.i at 2i/2i+1, control at 2N; its vector-less
 * control queue shows to BPF only. */
static void test_fit_net_pairs(void **state)
{
	struct layout_input mq = input("net", BITS(NET_MQ, NET_CTRL_VQ));
	struct layout_input no_ctrl = input("net", BITS(NET_MQ));
	struct layout l;

	(void)state;
	for (unsigned int n = 1; n <= 9; n++)
		expect_fit_of(&mq, n, "control", n);
	/* MQ without CTRL_VQ: Linux uses one pair whatever N */
	expect_fit_of(&no_ctrl, 4, NULL, 1);
	/* Why placement is not bisected: control moves with N, so the
	 * queues for 4 pairs are placed at N = 4 and at no larger N. */
	compute_n(&mq, 4, &l);
	assert_non_null(layout_at(&l, 8, "control"));
	layout_free(&l);
	compute_n(&mq, 5, &l);
	assert_null(layout_at(&l, 8, "control"));
	assert_non_null(layout_at(&l, 8, "input.4"));
	layout_free(&l);
}

/* blk: req.0..req.N-1, N > 1 only with MQ. */
static void test_fit_blk_queues(void **state)
{
	struct layout_input mq = input("blk", BITS(BLK_MQ));
	struct layout_input single = input("blk", NO_BITS);
	struct layout_shown req1[] = { { VQ_NULL_INDEX, "req.0" }, { VQ_NULL_INDEX, "req.1" } };
	struct layout l;

	(void)state;
	for (unsigned int n = 1; n <= 16; n++)
		expect_fit_of(&mq, n, NULL, n);
	expect_fit_of(&single, 8, NULL, 1);
	/* a second request queue without MQ: no N gives Linux one */
	assert_int_equal(layout_fit(&single, req1, 2, &l), LAYOUT_FIT_NONE);
	assert_int_equal(l.mq_count, 2);
	assert_int_equal(l.count[RULE_LINUX], 1);
	layout_free(&l);
}

/* console: every port's queues are "input"/"output", so by name only the
 * count of names tells N; by index each port has its place. */
static void test_fit_console_multiport(void **state)
{
	struct layout_input mp = input("console", BITS(CONSOLE_MULTIPORT));
	struct layout_input single = input("console", NO_BITS);
	struct layout_shown three_ports[] = {
		{ 0, "input" }, { 1, "output" }, { 2, "control-i" }, { 3, "control-o" },
		{ 4, "input" }, { 5, "output" }, { 6, "input" }, { 7, "output" },
	};
	struct layout_shown port_misplaced[] = { { 0, "input" }, { 1, "input" } };
	struct layout l;

	(void)state;
	for (unsigned int n = 1; n <= 9; n++)
		expect_fit_of(&mp, n, "control-o", n);
	expect_fit_of(&single, 4, NULL, 1);
	assert_int_equal(layout_fit(&mp, three_ports, ARRAY_SIZE(three_ports), &l), 0);
	assert_int_equal(l.mq_count, 3);
	assert_string_equal(layout_at(&l, 6, "input")->role, "receiveq2");
	layout_free(&l);
	assert_int_equal(layout_fit(&mp, port_misplaced, 2, &l), LAYOUT_FIT_NONE);
	layout_free(&l);
}

/* The others that repeat a group: scsi (request after two fixed queues,
 * one unnumbered name), crypto (controlq after the data queues, moving
 * with N like net's control), fs (with and without its reserved
 * notification queue). */
static void test_fit_other_types(void **state)
{
	struct layout_input scsi = input("scsi", NO_BITS);
	struct layout_input crypto = input("crypto", NO_BITS);
	struct layout_input fs = input("fs", NO_BITS);
	struct layout_input fs_notify = input("fs", BITS(FS_NOTIFICATION));

	(void)state;
	for (unsigned int n = 1; n <= 9; n++) {
		expect_fit_of(&scsi, n, NULL, n);
		expect_fit_of(&crypto, n, "controlq", n);
		expect_fit_of(&fs, n, NULL, n);
		expect_fit_of(&fs_notify, n, NULL, n);
	}
}

/* A shown queue that no N explains: a clear LAYOUT_FIT_NONE, with the
 * layout for the largest N tried (max(1, shown)), which callers use. */
static void test_fit_unexplained(void **state)
{
	struct layout_input net = input("net", BITS(NET_MQ, NET_CTRL_VQ));
	struct layout_shown stray[] = {
		{ VQ_NULL_INDEX, "input.0" }, { VQ_NULL_INDEX, "output.0" },
		{ VQ_NULL_INDEX, "od\"d\\name" },
	};
	struct layout_shown wrong_index[] = { { 0, "input.0" }, { 1, "output.0" }, { 3, "control" } };
	struct layout_shown wrong_name[] = { { 0, "output.0" } };
	struct layout_shown none_at_all[] = { { VQ_NULL_INDEX, "bogus" } };
	struct layout l;

	(void)state;
	assert_int_equal(layout_fit(&net, stray, ARRAY_SIZE(stray), &l), LAYOUT_FIT_NONE);
	assert_int_equal(l.mq_count, 3);
	assert_int_equal(l.count[RULE_LINUX], 7);
	layout_free(&l);
	/* control is at 2N, never at an odd index */
	assert_int_equal(layout_fit(&net, wrong_index, ARRAY_SIZE(wrong_index), &l),
			 LAYOUT_FIT_NONE);
	assert_int_equal(l.mq_count, 3);
	layout_free(&l);
	assert_int_equal(layout_fit(&net, wrong_name, 1, &l), LAYOUT_FIT_NONE);
	assert_int_equal(l.mq_count, 1);
	layout_free(&l);
	/* N = 1 types too */
	assert_int_equal(layout_fit(&(struct layout_input){ .type = type("rng") },
				    none_at_all, 1, &l), LAYOUT_FIT_NONE);
	assert_int_equal(l.mq_count, 1);
	assert_int_equal(l.count[RULE_LINUX], 1);
	layout_free(&l);
}

/* Devices whose layout does not depend on N: N = 1, whatever shows. */
static void test_fit_single_queue_devices(void **state)
{
	struct layout_input balloon = input("balloon", BITS(BALLOON_STATS_VQ, BALLOON_REPORTING));
	struct layout_input rng = input("rng", NO_BITS);
	struct layout_input iomem = input("iomem", NO_BITS);
	struct layout_shown reporting[] = { { 3, "reporting_vq" } };
	struct layout_shown input0[] = { { VQ_NULL_INDEX, "input" } };
	struct layout l;

	(void)state;
	expect_fit_of(&balloon, 1, NULL, 1);
	expect_fit_of(&rng, 1, NULL, 1);
	assert_int_equal(layout_fit(&balloon, reporting, 1, &l), 0);
	assert_int_equal(l.mq_count, 1);
	assert_string_equal(layout_at(&l, 3, "reporting_vq")->role, "reporting_vq");
	assert_int_equal(layout_at(&l, 3, NULL)->index[RULE_SPEC], 4);
	layout_free(&l);
	/* nothing shown: N = 1 explains it */
	assert_int_equal(layout_fit(&rng, NULL, 0, &l), 0);
	assert_int_equal(l.mq_count, 1);
	assert_int_equal(l.n_queues, 1);
	layout_free(&l);
	/* no queue table: nothing to place a queue in */
	assert_int_equal(layout_fit(&iomem, NULL, 0, &l), 0);
	assert_int_equal(l.n_queues, 0);
	assert_null(layout_at(&l, 0, NULL));
	layout_free(&l);
	assert_int_equal(layout_fit(&iomem, input0, 1, &l), LAYOUT_FIT_NONE);
	layout_free(&l);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A thousand queues: net with 500 pairs, blk with 1000 request queues,
 * shown by index and by name, found quickly (the layouts tried grow with
 * log N, not N). */
static void test_fit_thousand_queues(void **state)
{
	struct layout_input net = input("net", BITS(NET_MQ, NET_CTRL_VQ));
	struct layout_input blk = input("blk", BITS(BLK_MQ));
	static struct shown_list s;
	struct layout want, got;
	double start = now_s(), took;

	(void)state;
	compute_n(&net, 500, &want);
	assert_int_equal(want.count[RULE_LINUX], 1001);
	show_layout(&s, &want, true, NULL);
	assert_int_equal(layout_fit(&net, s.q, s.n, &got), 0);
	assert_int_equal(got.mq_count, 500);
	layout_free(&got);
	show_layout(&s, &want, false, "control");
	assert_int_equal(layout_fit(&net, s.q, s.n, &got), 0);
	assert_int_equal(got.mq_count, 500);
	layout_free(&got);
	/* one stray vector among them: no N, and no N by N scan of 1000 */
	add_shown(&s, VQ_NULL_INDEX, "stray");
	assert_int_equal(layout_fit(&net, s.q, s.n, &got), LAYOUT_FIT_NONE);
	assert_int_equal(got.mq_count, 1001);
	layout_free(&got);
	/* one misplaced queue among them, by index */
	show_layout(&s, &want, true, NULL);
	s.q[999].index = 1000;	/* output.499 where control is */
	s.q[1000].index = 999;
	assert_int_equal(layout_fit(&net, s.q, s.n, &got), LAYOUT_FIT_NONE);
	layout_free(&got);
	layout_free(&want);

	compute_n(&blk, 1000, &want);
	show_layout(&s, &want, true, NULL);
	assert_int_equal(layout_fit(&blk, s.q, s.n, &got), 0);
	assert_int_equal(got.mq_count, 1000);
	layout_free(&got);
	layout_free(&want);
	took = now_s() - start;
	print_message("thousand-queue fits took %.3f s\n", took);
	assert_true(took < 2.0);
}

/*
 * The search against the definition, N by N: for every repeating type,
 * N up to 8, the full lists and parts of them (some shown by name only,
 * some moved or renamed), layout_fit agrees with trying every N from 1 to
 * max(1, shown) in turn.
 */
static bool places_all(const struct layout *l, const struct layout_shown *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t want = 0, have = 0;

		if (s[i].index != VQ_NULL_INDEX) {
			bool found = false;

			for (size_t k = 0; k < l->n_queues && !found; k++)
				found = l->queues[k].index[RULE_LINUX] == s[i].index &&
					!strcmp(l->queues[k].linux_name, s[i].name);
			if (!found)
				return false;
			continue;
		}
		for (size_t j = 0; j < n; j++)
			want += s[j].index == VQ_NULL_INDEX && !strcmp(s[j].name, s[i].name);
		for (size_t k = 0; k < l->n_queues; k++)
			have += l->queues[k].index[RULE_LINUX] != VQ_NULL_INDEX &&
				!strcmp(l->queues[k].linux_name, s[i].name);
		if (have < want)
			return false;
	}
	return true;
}

static unsigned int rand_state = 12345;

static unsigned int next_rand(void)
{
	rand_state = rand_state * 1103515245u + 12345u;
	return (rand_state >> 16) & 0x7fff;
}

static void test_fit_matches_definition(void **state)
{
	struct {
		const char *type;
		struct vq_features f;
	} cases[] = {
		{ "net", BITS(NET_MQ, NET_CTRL_VQ) }, { "net", BITS(NET_MQ) },
		{ "blk", BITS(BLK_MQ) }, { "blk", NO_BITS },
		{ "console", BITS(CONSOLE_MULTIPORT) }, { "scsi", NO_BITS },
		{ "crypto", NO_BITS }, { "fs", NO_BITS }, { "fs", BITS(FS_NOTIFICATION) },
	};
	static struct shown_list s;
	size_t tried = 0, none = 0;

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct layout_input in = input(cases[c].type, cases[c].f);

		for (unsigned int n = 1; n <= 8; n++) {
			struct layout truth;

			compute_n(&in, n, &truth);
			for (int round = 0; round < 40; round++) {
				unsigned int expect = 0, most;
				struct layout got, l;
				int rc;

				s.n = 0;
				for (unsigned int i = 0; i < truth.count[RULE_LINUX]; i++) {
					const struct layout_queue *q = layout_at(&truth, (int)i, NULL);
					unsigned int r = next_rand() % 8;

					if (round && r == 0)
						continue;	/* not shown */
					if (round && r == 1)
						add_shown(&s, VQ_NULL_INDEX, q->linux_name);
					else if (round > 20 && r == 2)
						add_shown(&s, (int)i + 1 + (int)(next_rand() % 3),
							  q->linux_name);	/* moved */
					else if (round > 30 && r == 3)
						add_shown(&s, (int)i, "renamed");
					else
						add_shown(&s, (int)i, q->linux_name);
				}
				most = s.n > 1 ? (unsigned int)s.n : 1;
				for (unsigned int k = 1; k <= most && !expect; k++) {
					compute_n(&in, k, &l);
					if (places_all(&l, s.q, s.n))
						expect = k;
					layout_free(&l);
				}
				rc = layout_fit(&in, s.q, s.n, &got);
				assert_int_equal(rc, expect ? 0 : LAYOUT_FIT_NONE);
				assert_int_equal(got.mq_count, expect ? expect : most);
				none += !expect;
				tried++;
				layout_free(&got);
			}
			layout_free(&truth);
		}
	}
	print_message("%zu shown lists, %zu of them explained by no N\n", tried, none);
	assert_true(none > 0 && none < tried);
}

/*
 * What bounds the search: wherever N changes a table's Linux layout, the
 * layout for N has at least N queues, so a complete list of n queues is
 * explained by some N <= n if by any.
 */
static void test_fit_bound_holds_for_every_table(void **state)
{
	const struct vq_features sets[] = { NO_BITS, ALL_BITS };

	(void)state;
	for (size_t t = 0; virtio_type_at(t); t++) {
		for (size_t f = 0; f < ARRAY_SIZE(sets); f++) {
			struct layout_input in = { .type = virtio_type_at(t), .negotiated = sets[f] };
			struct layout one, l;

			compute_n(&in, 1, &one);
			for (unsigned int n = 1; n <= 64; n++) {
				compute_n(&in, n, &l);
				if (l.count[RULE_LINUX] != one.count[RULE_LINUX])
					assert_true(l.count[RULE_LINUX] >= n);
				assert_true(l.count[RULE_LINUX] >= one.count[RULE_LINUX]);
				layout_free(&l);
			}
			layout_free(&one);
		}
	}
}

/* The one layout-to-model copy. */
static void test_queue_to_model(void **state)
{
	struct layout_input in = input("balloon", BITS(BALLOON_REPORTING));
	struct vq_device d = { 0 };
	const struct layout_queue *lq;
	struct vq_queue *q, traced = { .source = SOURCE_TRACED, .irq = 40, .size = 256 };
	struct layout l;

	(void)state;
	compute_n(&in, 1, &l);
	lq = layout_at(&l, 2, "reporting_vq");
	assert_non_null(lq);
	assert_null(layout_at(&l, 2, "stats"));
	assert_null(layout_at(&l, 3, NULL));
	assert_null(layout_at(&l, -1, NULL));
	q = layout_add_queue(&d, lq);
	assert_non_null(q);
	assert_int_equal(d.n_queues, 1);
	assert_int_equal(q->source, SOURCE_DERIVED);
	assert_int_equal(q->index, 2);
	assert_int_equal(q->spec_index, 4);
	assert_int_equal(q->offered_dense_index, 2);
	assert_string_equal(q->name, "reporting_vq");
	assert_string_equal(q->role, "reporting_vq");
	assert_int_equal(q->irq, VQ_NULL_INDEX);
	assert_int_equal(q->driver_slot, VQ_NULL_INDEX);
	/* onto a queue another source filled: what it saw stays */
	layout_queue_to_model(lq, &traced);
	assert_int_equal(traced.source, SOURCE_TRACED);
	assert_int_equal(traced.irq, 40);
	assert_int_equal(traced.size, 256);
	assert_int_equal(traced.spec_index, 4);
	assert_string_equal(traced.role, "reporting_vq");
	free(d.queues);
	layout_free(&l);
}

/* What BPF shows of a console with three ports: every port's queues are
 * "input"/"output", so each takes its role by index; a queue the layout
 * does not place, and a vector-only queue, keep what they had. */
static void test_fit_device(void **state)
{
	static const struct { int index; const char *name; } traced[] = {
		{ 0, "input" }, { 1, "output" }, { 2, "control-i" }, { 3, "control-o" },
		{ 4, "input" }, { 5, "output" }, { 6, "input" }, { 7, "output" },
	};
	static const char *const roles[] = {
		"receiveq0", "transmitq0", "control_receiveq", "control_transmitq",
		"receiveq1", "transmitq1", "receiveq2", "transmitq2",
	};
	struct layout_input in = input("console", BITS(CONSOLE_MULTIPORT));
	struct vq_device d = { 0 };
	struct vq_queue *q;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(traced); i++) {
		q = device_add_queue(&d);
		assert_non_null(q);
		q->index = traced[i].index;
		snprintf(q->name, sizeof(q->name), "%s", traced[i].name);
		q->source = SOURCE_TRACED;
		q->irq = 30 + (int)i;
	}
	q = device_add_queue(&d);	/* a vector naming no queue of the layout */
	assert_non_null(q);
	snprintf(q->name, sizeof(q->name), "stray");
	q->source = SOURCE_VECTOR;
	assert_int_equal(layout_fit_device(&in, &d), 0);
	for (size_t i = 0; i < ARRAY_SIZE(traced); i++) {
		assert_string_equal(d.queues[i].role, roles[i]);
		assert_int_equal(d.queues[i].spec_index, (int)i);
		assert_int_equal(d.queues[i].offered_dense_index, (int)i);
		assert_int_equal(d.queues[i].source, SOURCE_TRACED);
		assert_int_equal(d.queues[i].irq, 30 + (int)i);
	}
	assert_string_equal(d.queues[8].role, "");
	assert_int_equal(d.queues[8].spec_index, VQ_NULL_INDEX);
	/* port 1's input shown where its output is: no N places it, and
	 * the queues keep what they had */
	d.queues[4].index = 5;
	d.queues[4].role[0] = '\0';
	assert_int_equal(layout_fit_device(&in, &d), LAYOUT_FIT_NONE);
	assert_string_equal(d.queues[4].role, "");
	assert_string_equal(d.queues[5].role, "transmitq1");
	free(d.queues);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_net_pairs),
		cmocka_unit_test(test_net_without_mq_one_pair),
		cmocka_unit_test(test_net_rss_multiplies),
		cmocka_unit_test(test_blk),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_no_spec_section),
		cmocka_unit_test(test_offered_unknown),
		cmocka_unit_test(test_type_without_queue_table),
		cmocka_unit_test(test_find_name),
		cmocka_unit_test(test_fit_net_pairs),
		cmocka_unit_test(test_fit_blk_queues),
		cmocka_unit_test(test_fit_console_multiport),
		cmocka_unit_test(test_fit_other_types),
		cmocka_unit_test(test_fit_unexplained),
		cmocka_unit_test(test_fit_single_queue_devices),
		cmocka_unit_test(test_fit_thousand_queues),
		cmocka_unit_test(test_fit_matches_definition),
		cmocka_unit_test(test_fit_bound_holds_for_every_table),
		cmocka_unit_test(test_queue_to_model),
		cmocka_unit_test(test_fit_device),
	};
	struct CMUnitTest tests[ARRAY_SIZE(balloon_rows) + ARRAY_SIZE(fixed)];
	static char names[ARRAY_SIZE(balloon_rows)][48];
	size_t n = 0;

	/* one test per row, named like the reference: "balloon row 24 (N O N)" */
	for (size_t i = 0; i < ARRAY_SIZE(balloon_rows); i++) {
		const struct balloon_row *row = &balloon_rows[i];

		if (row->no != (int)i + 1) {
			fprintf(stderr, "balloon_rows[%zu] is row %d\n", i, row->no);
			return 1;
		}
		snprintf(names[i], sizeof(names[i]), "balloon row %d (%c %c %c)", row->no,
			 row->states[0], row->states[1], row->states[2]);
		tests[n++] = (struct CMUnitTest){
			.name = names[i],
			.test_func = test_balloon_row,
			.initial_state = (void *)row,
		};
	}
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
