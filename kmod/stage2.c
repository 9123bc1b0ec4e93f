// SPDX-License-Identifier: GPL-2.0
/*
 * stage2.c - a VM's stage-2 translation: 4K granule, 40-bit IPA starting at
 * level 1 with two concatenated tables (DDI 0487 D8.2.7), pages mapped on
 * first fault from the VM's memslots and pinned until their slot or the VM
 * goes; and the VMIDs that tag its TLB entries.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <asm/cacheflush.h>
#include <asm/cpufeature.h>
#include <asm/sysreg.h>

#include "vmm_drv.h"

/* The tables below are 4K-granule ones (VTCR_EL2.TG0 0, 512 entries). */
static_assert(PAGE_SIZE == SZ_4K, "vmm.ko's stage 2 needs a kernel with 4K pages");

#define S2_LEVELS_PGD_ORDER	1	/* two concatenated level-1 tables */
#define S2_PTRS			512
#define S2_VALID		BIT(0)
#define S2_TABLE		BIT(1)	/* table (levels 1, 2) or page (level 3) */
#define S2_MEMATTR_NORMAL_WB	(0xfULL << 2)	/* outer and inner write-back */
#define S2_AP_R			BIT(6)
#define S2_AP_W			BIT(7)
#define S2_SH_INNER		(3ULL << 8)
#define S2_AF			BIT(10)
#define S2_ADDR_MASK		GENMASK_ULL(47, 12)
/* software: an invalidated entry whose page is still pinned (unmap_range) */
#define S2_SW_UNPIN		BIT(55)

/* VTCR_EL2: T0SZ 24 (40 bits), SL0 1 (start at level 1), WBWA walks,
 * inner shareable, 4K granule, PS from the CPU, RES1 bit 31. */
#define VTCR_T0SZ_40		24
#define VTCR_SL0_L1		(1U << 6)
#define VTCR_IRGN0_WBWA		(1U << 8)
#define VTCR_ORGN0_WBWA		(1U << 10)
#define VTCR_SH0_INNER		(3U << 12)
#define VTCR_PS_SHIFT		16
#define VTCR_RES1		BIT(31)

#define VTCR_VS_16		BIT(19)
#define VMID_MAX_BITS		16

/*
 * VMIDs, 16 bits where the CPU has them (ID_AA64MMFR1_EL1.VMIDBits), else
 * 8.  A VM takes one when a vCPU of it is loaded and its VMID is not of the
 * current generation.  When none is free, the generation rolls over: every
 * VMID is free again except those running on a CPU right now, whose VMs
 * keep theirs, and every CPU's stage-1&2 TLB entries and the instruction
 * caches are invalidated, so a reused VMID finds nothing of its previous
 * owner.  A dead VM's VMID comes back at the next rollover.
 *
 * Everything here is under vmid_lock, taken at vCPU load and put only: the
 * run loop never touches it.
 */
static unsigned int vmid_bits;
module_param(vmid_bits, uint, 0444);
MODULE_PARM_DESC(vmid_bits, "use only this many VMID bits, 2 or more (a test knob; default: the CPU's)");

static unsigned int vmid_rollovers;
module_param(vmid_rollovers, uint, 0444);
MODULE_PARM_DESC(vmid_rollovers, "VMID generation rollovers so far (read-only)");

static DEFINE_RAW_SPINLOCK(vmid_lock);
static u64 vmid_generation = 1;
static DECLARE_BITMAP(vmid_map, 1 << VMID_MAX_BITS);	/* of this generation */
static DEFINE_PER_CPU(struct vmm_vm *, vmid_running);	/* loaded here, or NULL */

static unsigned int cpu_vmid_bits(void)
{
	u64 mmfr1 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1);

	return ((mmfr1 >> 4) & 0xf) == 2 ? 16 : 8;
}

int vmm_vmid_init(void)
{
	unsigned int bits = cpu_vmid_bits();

	if (!vmid_bits)
		vmid_bits = bits;
	/* a rollover must leave a VMID free beyond one running per CPU */
	if (vmid_bits > bits || (1UL << vmid_bits) - 1 <= num_possible_cpus()) {
		pr_err("vmid_bits=%u: at most the CPU's %u, and more VMIDs than the %u CPUs\n",
		       vmid_bits, bits, num_possible_cpus());
		return -EINVAL;
	}
	return 0;
}

/* Start a new generation; vmid_lock held.  Running VMs keep their VMIDs. */
static void vmid_rollover(void)
{
	unsigned int cpu;

	vmid_generation++;
	vmid_rollovers++;
	bitmap_zero(vmid_map, 1UL << vmid_bits);
	for_each_possible_cpu(cpu) {
		struct vmm_vm *vm = per_cpu(vmid_running, cpu);

		if (vm) {
			__set_bit(vm->vmid, vmid_map);
			vm->vmid_gen = vmid_generation;
		}
	}
	vmm_stage2_flush_all();
}

/*
 * Every VMID's EL1&0 entries, on every CPU (VMID-tagged I-caches too): at a
 * rollover, and when the module loads and unloads, since VMIDs start again
 * from 1 with each load and a previous load's guests may have left entries.
 */
void vmm_stage2_flush_all(void)
{
	if (vmm_is_nvhe()) {		/* EL2's instructions: its own */
		vmm_nvhe_broadcast(VMM_HC_FLUSH_ALL, 0, 0);
		return;
	}
	dsb(ishst);
	asm volatile("tlbi alle1is" : : : "memory");
	asm volatile("ic ialluis" : : : "memory");
	dsb(ish);
	isb();
}

/* Called at vCPU load, preemption off: give @vm a current VMID. */
void vmm_vmid_load(struct vmm_vm *vm)
{
	unsigned long flags, nr = 1UL << vmid_bits, vmid;

	raw_spin_lock_irqsave(&vmid_lock, flags);
	if (vm->vmid_gen != vmid_generation) {
		vmid = find_next_zero_bit(vmid_map, nr, 1);	/* 0: never a guest's */
		if (vmid == nr) {
			/* a stale VM is loaded nowhere, so it gets a free one */
			vmid_rollover();
			vmid = find_next_zero_bit(vmid_map, nr, 1);
		}
		__set_bit(vmid, vmid_map);
		vm->vmid = vmid;
		vm->vmid_gen = vmid_generation;
		WRITE_ONCE(vm->vttbr, virt_to_phys(vm->pgd) | (u64)vmid << 48);
	}
	__this_cpu_write(vmid_running, vm);
	raw_spin_unlock_irqrestore(&vmid_lock, flags);
}

/* Called at vCPU put, preemption off. */
void vmm_vmid_put(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&vmid_lock, flags);
	__this_cpu_write(vmid_running, NULL);
	raw_spin_unlock_irqrestore(&vmid_lock, flags);
}

u64 vmm_stage2_vtcr(void)
{
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	u64 ps = min_t(u64, mmfr0 & 0xf, 5);	/* up to 48-bit PAs */

	return VTCR_RES1 | VTCR_T0SZ_40 | VTCR_SL0_L1 | VTCR_IRGN0_WBWA |
	       VTCR_ORGN0_WBWA | VTCR_SH0_INNER | ps << VTCR_PS_SHIFT |
	       (cpu_vmid_bits() == 16 ? VTCR_VS_16 : 0);
}

int vmm_stage2_init(struct vmm_vm *vm)
{
	vm->pgd = (u64 *)__get_free_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO,
					  S2_LEVELS_PGD_ORDER);
	if (!vm->pgd)
		return -ENOMEM;
	vm->vmid_gen = 0;		/* none yet: the first load takes one */
	vm->vttbr = virt_to_phys(vm->pgd);
	mutex_init(&vm->s2_lock);
	return 0;
}

/* The next-level table behind @entry, allocating it if @alloc. */
static u64 *next_table(u64 *entry, bool alloc)
{
	u64 *table;

	if (*entry & S2_VALID)
		return phys_to_virt(*entry & S2_ADDR_MASK);
	if (!alloc)
		return NULL;
	table = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!table)
		return NULL;
	/* the zeroed table is visible to the walker before the link */
	dsb(ishst);
	WRITE_ONCE(*entry, virt_to_phys(table) | S2_TABLE | S2_VALID);
	return table;
}

static const struct vmm_memslot *find_slot(struct vmm_vm *vm, u64 ipa)
{
	unsigned int i;

	for (i = 0; i < VMM_MAX_MEMSLOTS; i++) {
		const struct vmm_memslot *s = &vm->slots[i];

		if (s->size && ipa >= s->gpa && ipa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

bool vmm_stage2_is_ram(struct vmm_vm *vm, u64 ipa)
{
	return find_slot(vm, ipa) != NULL;
}

/*
 * Clean a new page to the point of coherency: a guest with its MMU off
 * reads memory uncached (booting.rst, "the MMU must be off"), and must
 * not read a previous owner's stale data there.  The stride is the
 * smallest D-cache line of any CPU (the system-wide CTR_EL0.DminLine, in
 * words): cache_line_size() is the writeback granule, which can be larger
 * and would skip lines.  (The kernel's dcache_clean_inval_poc() is not
 * exported to modules in 6.1.)  This bed's CPUs agree on the line size, so
 * only a big.LITTLE-style mix of line sizes could show the difference.
 */
void vmm_dcache_clean_inval_poc(const void *va, size_t size)
{
	u64 ctr = read_sanitised_ftr_reg(SYS_CTR_EL0);
	unsigned long line = 4UL << ((ctr >> CTR_EL0_DminLine_SHIFT) & 0xf), p;

	for (p = (unsigned long)va & ~(line - 1); p < (unsigned long)va + size; p += line)
		asm volatile("dc civac, %0" : : "r"(p) : "memory");
	dsb(ish);
}

static void clean_inval_page_poc(void *va)
{
	vmm_dcache_clean_inval_poc(va, PAGE_SIZE);
}

static void clean_page_poc(void *va)
{
	clean_inval_page_poc(va);
	caches_clean_inval_pou((unsigned long)va, (unsigned long)va + PAGE_SIZE);
}

/*
 * Every page the VM has mapped, cleaned and invalidated to the PoC: what
 * a set/way operation or a cache toggle asks for (sys_regs.c), as KVM's
 * stage2_flush_vm().  Pages not yet mapped were cleaned when they were.
 */
void vmm_stage2_flush_vm(struct vmm_vm *vm)
{
	unsigned int i, j, k;

	mutex_lock(&vm->s2_lock);
	for (i = 0; vm->pgd && i < 2 * S2_PTRS; i++) {
		u64 *l2 = next_table(&vm->pgd[i], false);

		for (j = 0; l2 && j < S2_PTRS; j++) {
			u64 *l3 = next_table(&l2[j], false);

			for (k = 0; l3 && k < S2_PTRS; k++)
				if (l3[k] & S2_VALID)
					clean_inval_page_poc(phys_to_virt(l3[k] & S2_ADDR_MASK));
			cond_resched();
		}
	}
	mutex_unlock(&vm->s2_lock);
}

/*
 * Charge (@inc) or uncharge @pages to the VM owner's locked_vm, and keep
 * count of what this module holds charged (the locked_pages parameter,
 * which the tests read back as 0 once every VM is gone).
 */
static int charge_locked(struct vmm_vm *vm, unsigned long pages, bool inc)
{
	int ret;

	if (!pages)
		return 0;
	ret = account_locked_vm(vm->mm, pages, inc);
	if (!ret)
		atomic_add(inc ? pages : -pages, &vmm_nr_locked);
	return ret;
}

int vmm_stage2_map(struct vmm_vm *vm, u64 ipa)
{
	const struct vmm_memslot *slot;
	struct page *page;
	bool writable;
	u64 *l2, *l3, *pte, hva;
	int ret = 0;

	ipa &= PAGE_MASK;
	if (ipa >= BIT_ULL(vm->ipa_bits))
		return -ENOENT;
	mutex_lock(&vm->s2_lock);
	slot = find_slot(vm, ipa);
	if (!slot) {
		ret = -ENOENT;		/* the slot went away meanwhile */
		goto out;
	}
	l2 = next_table(&vm->pgd[(ipa >> 30) & (2 * S2_PTRS - 1)], true);
	l3 = l2 ? next_table(&l2[(ipa >> 21) & (S2_PTRS - 1)], true) : NULL;
	if (!l3) {
		ret = -ENOMEM;
		goto out;
	}
	pte = &l3[(ipa >> 12) & (S2_PTRS - 1)];
	if (*pte & S2_VALID)
		goto out;		/* another vCPU mapped it first */

	writable = !(slot->flags & KVM_MEM_READONLY);
	hva = slot->hva + (ipa - slot->gpa);
	/*
	 * A long-term pin is locked memory: charged to the owner's locked_vm
	 * and bounded by its RLIMIT_MEMLOCK (unless CAP_IPC_LOCK), as VFIO's
	 * are, or any /dev/vmm user could pin all of RAM.  -ENOMEM past it.
	 */
	ret = charge_locked(vm, 1, true);
	if (ret)
		goto out;
	/* pinned for the VM's life: FOLL_LONGTERM (not in the _unlocked variant) */
	if (pin_user_pages_fast(hva, 1, FOLL_LONGTERM | (writable ? FOLL_WRITE : 0),
				&page) != 1) {
		charge_locked(vm, 1, false);
		ret = -EFAULT;
		goto out;
	}
	clean_page_poc(page_address(page));
	/* invalid -> valid needs no break-before-make (D8.14.1) */
	WRITE_ONCE(*pte, page_to_phys(page) | S2_AF | S2_SH_INNER | S2_AP_R |
			 (writable ? S2_AP_W : 0) | S2_MEMATTR_NORMAL_WB |
			 S2_TABLE | S2_VALID);
	dsb(ishst);
	atomic_inc(&vmm_nr_pinned);
out:
	mutex_unlock(&vm->s2_lock);
	return ret;
}

/* Invalidate every TLB entry of @vmid, all CPUs (VHE: TGE clear meanwhile). */
/*
 * Invalidate @vm's stage-1 and stage-2 entries, on every CPU.  TLBI by
 * VMID takes the VMID from VTTBR_EL2, and how many of its bits count from
 * VTCR_EL2.VS: in host context VTCR keeps its boot value (VS 0, 8-bit
 * VMIDs), so a 16-bit VMID of 256 or more would hit another VM's entries.
 * Both are the VM's here.  (TCG ignores VMIDs in broadcast TLBIs, so this
 * bed cannot show it; hardware with 16-bit VMIDs and 256+ VMs could.)
 */
static void flush_vmid(const struct vmm_vm *vm)
{
	unsigned long flags;
	u64 hcr, old_vttbr, old_vtcr;

	if (vmm_is_nvhe()) {
		vmm_nvhe_broadcast(VMM_HC_FLUSH_VMID, vm->vtcr, READ_ONCE(vm->vttbr));
		return;
	}
	local_irq_save(flags);
	old_vttbr = read_sysreg(vttbr_el2);
	old_vtcr = read_sysreg(vtcr_el2);
	hcr = read_sysreg(hcr_el2);
	write_sysreg(vm->vtcr, vtcr_el2);
	write_sysreg(READ_ONCE(vm->vttbr), vttbr_el2);
	/* with TGE set, EL1 TLB maintenance would hit the host's EL2&0 regime */
	write_sysreg(hcr & ~HCR_TGE, hcr_el2);
	isb();
	asm volatile("tlbi vmalls12e1is" : : : "memory");
	dsb(ish);
	isb();
	write_sysreg(hcr, hcr_el2);
	write_sysreg(old_vtcr, vtcr_el2);
	write_sysreg(old_vttbr, vttbr_el2);
	isb();
	local_irq_restore(flags);
}

/*
 * Give back a pinned guest page, whose stage-2 entry was @pte: dirty if
 * the guest could write it, so that a file-backed slot's writes reach the
 * file.  The caller uncharges locked_vm, in one go for many pages.
 */
static void unpin_guest_page(u64 pte)
{
	struct page *page = phys_to_page(pte & S2_ADDR_MASK);

	unpin_user_pages_dirty_lock(&page, 1, pte & S2_AP_W);
	atomic_dec(&vmm_nr_pinned);
}

/* The level-3 entry of @ipa, or NULL if no level-3 table covers it. */
static u64 *leaf_entry(struct vmm_vm *vm, u64 ipa)
{
	u64 *l2 = next_table(&vm->pgd[(ipa >> 30) & (2 * S2_PTRS - 1)], false);
	u64 *l3 = l2 ? next_table(&l2[(ipa >> 21) & (S2_PTRS - 1)], false) : NULL;

	return l3 ? &l3[(ipa >> 12) & (S2_PTRS - 1)] : NULL;
}

/*
 * Unmap [start, start + size) and unpin its pages: after this no vCPU
 * reaches those pages (s2_lock held).  In three steps, in this order, as
 * KVM's stage-2 unmap does (break, invalidate, then put the page):
 *  1. every entry made invalid; its output address stays in it, marked
 *     S2_SW_UNPIN (hardware ignores all other bits of an invalid
 *     descriptor, DDI 0487 D8.3.1);
 *  2. DSB, then TLBI by VMID: no vCPU still holds a translation;
 *  3. only then the pages unpinned.  Unpinned earlier, a page the vmm had
 *     already munmap()ed would go back to the allocator while another
 *     vCPU could still write it through a cached translation.
 * TCG drops its TLB on every VTTBR write, so this bed cannot show step 2
 * missing; hardware with a vCPU writing the page during the delete would.
 */
static void unmap_range(struct vmm_vm *vm, u64 start, u64 size)
{
	u64 ipa, end = start + size, *pte;
	unsigned long unpinned = 0;
	bool any = false;

	for (ipa = start; ipa < end; ipa += PAGE_SIZE) {
		pte = leaf_entry(vm, ipa);
		if (!pte) {		/* nothing mapped in this 2 MiB */
			ipa = ALIGN(ipa + 1, SZ_2M) - PAGE_SIZE;
			continue;
		}
		if (*pte & S2_VALID) {
			WRITE_ONCE(*pte, (*pte & ~S2_VALID) | S2_SW_UNPIN);
			any = true;
		}
	}
	if (!any)
		return;
	dsb(ishst);
	flush_vmid(vm);
	for (ipa = start; ipa < end; ipa += PAGE_SIZE) {
		pte = leaf_entry(vm, ipa);
		if (!pte) {
			ipa = ALIGN(ipa + 1, SZ_2M) - PAGE_SIZE;
			continue;
		}
		if (*pte & S2_SW_UNPIN) {
			unpin_guest_page(*pte);
			WRITE_ONCE(*pte, 0);
			unpinned++;
		}
	}
	charge_locked(vm, unpinned, false);
}

/*
 * Make memslot @slot @val (size 0: deleted).  The pages of its old range
 * are unmapped and unpinned first: no vCPU reaches them once this returns.
 */
void vmm_stage2_set_slot(struct vmm_vm *vm, struct vmm_memslot *slot,
			 const struct vmm_memslot *val)
{
	mutex_lock(&vm->s2_lock);
	if (slot->size)
		unmap_range(vm, slot->gpa, slot->size);
	*slot = *val;
	mutex_unlock(&vm->s2_lock);
}

void vmm_stage2_destroy(struct vmm_vm *vm)
{
	unsigned long unpinned = 0;
	unsigned int i, j, k;

	if (!vm->pgd)
		return;
	if (vm->vmid_gen)		/* it ran: its VMID tags TLB entries */
		flush_vmid(vm);
	for (i = 0; i < 2 * S2_PTRS; i++) {
		u64 *l2 = next_table(&vm->pgd[i], false);

		for (j = 0; l2 && j < S2_PTRS; j++) {
			u64 *l3 = next_table(&l2[j], false);

			for (k = 0; l3 && k < S2_PTRS; k++) {
				if (!(l3[k] & S2_VALID))
					continue;
				unpin_guest_page(l3[k]);
				unpinned++;
			}
			if (l3)
				free_page((unsigned long)l3);
		}
		if (l2)
			free_page((unsigned long)l2);
	}
	free_pages((unsigned long)vm->pgd, S2_LEVELS_PGD_ORDER);
	vm->pgd = NULL;
	/* uncharged even after the owner exited: vm->mm is still grabbed */
	charge_locked(vm, unpinned, false);
}
