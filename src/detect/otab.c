/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Open-addressing table with purge (otab.h).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect/otab.h"

int
sw_otab_init(struct sw_otab *t, uint32_t cap, size_t esz, uint32_t (*hash)(const void *e))
{
	memset(t, 0, sizeof(*t));
	t->slot = calloc(cap, esz);
	t->used = calloc(cap, sizeof(*t->used));
	if (t->slot == NULL || t->used == NULL) {
		sw_otab_fini(t);
		return -ENOMEM;
	}
	t->esz = esz;
	t->cap = cap;
	t->hash = hash;
	return 0;
}

void
sw_otab_fini(struct sw_otab *t)
{
	free(t->slot);
	free(t->used);
	t->slot = NULL;
	t->used = NULL;
	t->n = 0;
}

void *
sw_otab_find(const struct sw_otab *t, uint32_t h,
	     bool (*eq)(const void *e, const void *key), const void *key, uint32_t *empty)
{
	for (uint32_t i = h % t->cap;; i = (i + 1) % t->cap) {
		void *e = sw_otab_at(t, i);

		if (e == NULL) {
			*empty = i;
			return NULL;
		}
		if (eq(e, key))
			return e;
	}
}

void *
sw_otab_take(struct sw_otab *t, uint32_t i)
{
	void *e = t->slot + (size_t)i * t->esz;

	memset(e, 0, t->esz);
	t->used[i] = true;
	t->n++;
	return e;
}

void
sw_otab_purge(struct sw_otab *t, bool (*keep)(const void *e, void *arg), void *arg)
{
	struct sw_otab old = *t;

	if (sw_otab_init(t, old.cap, old.esz, old.hash) != 0) {
		*t = old;
		return;
	}
	for (uint32_t i = 0; i < old.cap; i++) {
		const void *e = sw_otab_at(&old, i);
		uint32_t j;

		if (e == NULL || !keep(e, arg))
			continue;
		for (j = t->hash(e) % t->cap; t->used[j]; j = (j + 1) % t->cap)
			;
		memcpy(sw_otab_take(t, j), e, t->esz);
	}
	sw_otab_fini(&old);
}
