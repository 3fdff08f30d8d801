// SPDX-License-Identifier: GPL-2.0
/* Log2 latency slots: value -> slot, slot -> bound, quantiles. */
#include "hist.h"

unsigned int hist_slot(uint64_t us)
{
	unsigned int slot = 0;

	while (us && slot < VQ_HIST_SLOTS - 1) {
		us >>= 1;
		slot++;
	}
	return slot;
}

bool hist_slot_bound_us(unsigned int slot, uint64_t *le_us)
{
	if (slot >= VQ_HIST_SLOTS - 1)
		return false;
	*le_us = (UINT64_C(1) << slot) - 1;
	return true;
}

bool hist_quantile_us(const uint64_t slots[VQ_HIST_SLOTS], double q, uint64_t *le_us)
{
	uint64_t total = 0, seen = 0;

	for (unsigned int i = 0; i < VQ_HIST_SLOTS; i++)
		total += slots[i];
	if (!total)
		return false;
	for (unsigned int i = 0; i < VQ_HIST_SLOTS; i++) {
		seen += slots[i];
		if ((double)seen >= q * (double)total)
			return hist_slot_bound_us(i, le_us);
	}
	return false;
}
