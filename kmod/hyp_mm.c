// SPDX-License-Identifier: GPL-2.0
/*
 * hyp_mm.c - EL2's stage-1 page tables on an nVHE host: 4 KiB pages, four
 * levels, 48-bit addresses through TTBR0_EL2 (EL2 has no TTBR1).  The host
 * builds them and maps into them only what the module's EL2 code needs
 * (nvhe.c): its image, each CPU's state and stack, and the identity-mapped
 * page, and each vCPU while it lives.  EL2 walks them with cacheable walks
 * (TCR_EL2, set with SCTLR_EL2.C), so the host's cached writes are what it
 * reads.  An added entry needs no TLB maintenance (a TLB never holds an
 * invalid one); a removed one is invalidated at EL2 on every CPU before
 * its page, or a table emptied by it, is freed.  The whole tree goes when
 * the module unloads, once no CPU runs on it.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>

#include <asm/barrier.h>
#include <asm/pgtable-hwdef.h>

#include <hyp/nvhe.h>
#include "vmm_drv.h"

#define HYP_ENTRIES		512
#define HYP_ADDR_MASK		GENMASK_ULL(47, 12)

static u64 *hyp_pgd;
static DEFINE_MUTEX(hyp_mm_lock);

static unsigned int hyp_index(u64 va, int level)
{
	return (va >> (39 - 9 * level)) & (HYP_ENTRIES - 1);
}

static int map_page(u64 va, phys_addr_t pa, u64 prot)
{
	u64 *table = hyp_pgd, *e, want = pa | prot;
	int level;

	for (level = 0; level < 3; level++) {
		e = &table[hyp_index(va, level)];
		if (!*e) {
			u64 *next = (u64 *)get_zeroed_page(GFP_KERNEL);

			if (!next)
				return -ENOMEM;
			WRITE_ONCE(*e, virt_to_phys(next) | PMD_TYPE_TABLE);
		}
		table = phys_to_virt(*e & HYP_ADDR_MASK);
	}
	e = &table[hyp_index(va, 3)];
	if (*e)
		return *e == want ? 0 : -EEXIST;
	WRITE_ONCE(*e, want);
	return 0;
}

int vmm_hyp_map(u64 va, phys_addr_t pa, size_t size, u64 prot)
{
	u64 end = va + PAGE_ALIGN(size + offset_in_page(va));
	int ret = 0;

	if (pa + size > VMM_HYP_VA_TAG || end > BIT_ULL(VMM_HYP_VA_BITS)) {
		pr_err("EL2 cannot map physical address %pa: above 128 TiB\n", &pa);
		return -E2BIG;
	}
	va &= PAGE_MASK;
	pa &= PAGE_MASK;
	mutex_lock(&hyp_mm_lock);
	for (; va < end && !ret; va += PAGE_SIZE, pa += PAGE_SIZE)
		ret = map_page(va, pa, prot);
	/* the entries written before EL2 next walks them */
	dsb(ishst);
	mutex_unlock(&hyp_mm_lock);
	return ret;
}

/* @size bytes of the kernel's linear map at @kva, where EL2 finds them. */
int vmm_hyp_map_kva(const void *kva, size_t size, u64 prot)
{
	if (!virt_addr_valid(kva) || !virt_addr_valid(kva + size - 1))
		return -EINVAL;
	return vmm_hyp_map(vmm_hyp_va(kva), virt_to_phys(kva), size, prot);
}

/*
 * Unmap [@va, @va + @size) (its own pages: nothing else may share them),
 * and free the tables that leaves empty.  Nothing at EL2 may use the
 * range any more.
 */
void vmm_hyp_unmap(u64 va, size_t size)
{
	u64 end = va + PAGE_ALIGN(size + offset_in_page(va));
	u64 *path[4], *e;
	LIST_HEAD(freed);
	struct page *pg, *tmp;
	bool flushed;
	int level, i;

	mutex_lock(&hyp_mm_lock);
	for (va &= PAGE_MASK; va < end; va += PAGE_SIZE) {
		u64 *table = hyp_pgd;

		for (level = 0; level < 3; level++) {
			path[level] = table;
			e = &table[hyp_index(va, level)];
			if (!*e)
				break;
			table = phys_to_virt(*e & HYP_ADDR_MASK);
		}
		if (level < 3)
			continue;
		path[3] = table;
		WRITE_ONCE(table[hyp_index(va, 3)], 0);
		/* up from the leaf table: each left empty goes, and its entry */
		for (level = 3; level > 0; level--) {
			for (i = 0; i < HYP_ENTRIES && !path[level][i]; i++)
				;
			if (i < HYP_ENTRIES)
				break;
			WRITE_ONCE(path[level - 1][hyp_index(va, level - 1)], 0);
			list_add(&virt_to_page(path[level])->lru, &freed);
		}
	}
	dsb(ishst);
	flushed = vmm_nvhe_broadcast(VMM_HC_FLUSH_HYP, 0, 0);
	mutex_unlock(&hyp_mm_lock);
	/* a table EL2 may still walk is leaked, never reused */
	list_for_each_entry_safe(pg, tmp, &freed, lru)
		if (flushed)
			__free_page(pg);
}

int vmm_hyp_mm_init(void)
{
	hyp_pgd = (u64 *)get_zeroed_page(GFP_KERNEL);
	return hyp_pgd ? 0 : -ENOMEM;
}

phys_addr_t vmm_hyp_pgd(void)
{
	return virt_to_phys(hyp_pgd);
}

static void free_table(u64 *table, int level)
{
	int i;

	for (i = 0; level < 3 && i < HYP_ENTRIES; i++)
		if (table[i])
			free_table(phys_to_virt(table[i] & HYP_ADDR_MASK), level + 1);
	free_page((unsigned long)table);
}

/* Only once no CPU can walk them: every CPU has given EL2 back. */
void vmm_hyp_mm_destroy(void)
{
	if (hyp_pgd)
		free_table(hyp_pgd, 0);
	hyp_pgd = NULL;
}
