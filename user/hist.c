// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "hist.h"
#include "json.h"

void log2_slot_range(int i, __u64 *low, __u64 *high)
{
	*low = i ? 1ULL << i : 0;
	/* Slot 63 ends at the top of the range: 1 << 64 is undefined. */
	*high = i >= 63 ? ~0ULL : (1ULL << (i + 1)) - 1;
}

static void print_stars(FILE *f, __u64 val, __u64 val_max, int width)
{
	__u64 shown = val < val_max ? val : val_max;
	/* 128-bit so a huge count times the width cannot wrap. */
	int stars = (int)((unsigned __int128)shown * width / val_max);
	int i;

	for (i = 0; i < stars; i++)
		fputc('*', f);
	for (; i < width; i++)
		fputc(' ', f);
	if (val > val_max)
		fputc('+', f);
}

void print_log2_hist(FILE *f, const __u64 *slots, int nr_slots,
		     const char *val_type)
{
	int idx_max = -1, stars, width, i;
	__u64 val_max = 0, low, high;

	for (i = 0; i < nr_slots; i++) {
		if (slots[i] > 0)
			idx_max = i;
		if (slots[i] > val_max)
			val_max = slots[i];
	}
	if (idx_max < 0)
		return;

	/* Wide ranges need wide columns: halve the bar to keep the line. */
	width = idx_max <= 32 ? 10 : 20;
	stars = idx_max <= 32 ? 40 : 20;
	fprintf(f, "%*s%-*s : count    distribution\n", idx_max <= 32 ? 5 : 15,
		"", idx_max <= 32 ? 19 : 29, val_type);

	for (i = 0; i <= idx_max; i++) {
		log2_slot_range(i, &low, &high);
		fprintf(f, "%*llu -> %-*llu : %-8llu |", width,
			(unsigned long long)low, width,
			(unsigned long long)high,
			(unsigned long long)slots[i]);
		print_stars(f, slots[i], val_max, stars);
		fputs("|\n", f);
	}
}

void json_log2_hist(struct json *j, const __u64 *slots, int nr_slots)
{
	__u64 low, high;
	int i;

	json_arr_begin(j);
	for (i = 0; i < nr_slots; i++) {
		if (!slots[i])
			continue;
		log2_slot_range(i, &low, &high);
		json_obj_begin(j);
		json_ku64(j, "low", low);
		json_ku64(j, "high", high);
		json_ku64(j, "count", slots[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
}
