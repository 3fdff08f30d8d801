// SPDX-License-Identifier: GPL-2.0
/* /proc/interrupts' per-irq totals (interrupts.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "interrupts.h"

/* The header names one column per CPU: "CPU0 CPU1 ..." */
static int cpu_columns(const char *header)
{
	int n = 0;

	for (const char *p = header; (p = strstr(p, "CPU")); p += 3)
		n++;
	return n;
}

int interrupts_parse(FILE *f, uint64_t *totals, size_t n)
{
	char *line = NULL;
	size_t cap = 0;
	int cpus;

	memset(totals, 0, n * sizeof(*totals));
	if (getline(&line, &cap, f) < 0 || (cpus = cpu_columns(line)) == 0) {
		free(line);
		return -1;
	}
	while (getline(&line, &cap, f) >= 0) {
		char *p = line, *end;
		unsigned long irq;
		uint64_t sum = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (!isdigit((unsigned char)*p))
			continue;	/* NMI:, LOC:, ERR: ... */
		irq = strtoul(p, &end, 10);
		if (*end != ':' || irq >= n)
			continue;
		p = end + 1;
		for (int c = 0; c < cpus; c++) {
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p)
				break;	/* a short line: the columns it has */
			sum += v;
			p = end;
		}
		totals[irq] = sum;
	}
	free(line);
	return 0;
}
