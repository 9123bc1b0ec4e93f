// SPDX-License-Identifier: GPL-2.0
/*
 * nvhe.c - EL2 on an nVHE host (ARMv8.0, or VHE not used): the kernel
 * runs at EL1 and its hyp stub holds EL2.  The module copies its EL2 image
 * (hyp/nvhe/, one position-independent section) into physically
 * contiguous pages, maps it and each CPU's EL2 state into EL2's own page
 * tables (hyp_mm.c), and takes EL2 on every CPU through the stub's
 * HVC_SOFT_RESTART (hyp/nvhe/hyp-init.S says why that call).  It gives
 * EL2 back to the stub on unload, when a CPU goes offline, before a CPU
 * power state that may lose EL2 (and takes it again after), and at
 * reboot or kexec, so that whoever comes next finds the stub.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/arm-smccc.h>
#include <linux/cpu_pm.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/slab.h>

#include <asm/cacheflush.h>
#include <asm/cpufeature.h>
#include <asm/kvm_arm.h>
#include <asm/pgtable-hwdef.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#include <hyp/nvhe.h>
#include "vmm_drv.h"

/* The EL2 image as linked into the module (hyp/nvhe/hyp.lds) */
#define NVHE_SYM(name)	__vmm_nvhe_ ## name
extern char NVHE_SYM(hyp_image_start)[], NVHE_SYM(hyp_idmap_end)[];
extern char NVHE_SYM(hyp_text_end)[], NVHE_SYM(hyp_rodata_end)[];
extern char NVHE_SYM(hyp_image_end)[];
extern char NVHE_SYM(hyp_init)[], NVHE_SYM(host_vectors)[];

#define NVHE_STACK_ORDER	1	/* 8 KiB of EL2 stack per CPU */

static struct {
	void		*image;		/* the copy EL2 runs, in the linear map */
	size_t		size;
	u64		stub_vectors;	/* what VBAR_EL2 held: the hyp stub's */
	bool		gone;		/* given back for good: reboot or kexec */
} nvhe;

static DEFINE_PER_CPU(struct vmm_nvhe_cpu *, nvhe_cpu);
static DEFINE_PER_CPU(void *, nvhe_stack);
/* where EL2 is ours; and where a CPU power state made us give it back */
static cpumask_t nvhe_taken, nvhe_pm_given;

/* A symbol of the EL2 image: its offset, and its addresses in the copy. */
static size_t image_off(const char *sym)
{
	return sym - NVHE_SYM(hyp_image_start);
}

static u64 image_hyp_va(const char *sym)
{
	return vmm_hyp_va(nvhe.image) + image_off(sym);
}

static phys_addr_t image_pa(const char *sym)
{
	return virt_to_phys(nvhe.image) + image_off(sym);
}

static u64 hyp_el2_va_of(u64 image_va)
{
	return image_va - vmm_hyp_va(nvhe.image) + (u64)NVHE_SYM(hyp_image_start);
}

void __noreturn vmm_nvhe_panic(u64 esr, u64 elr, u64 far)
{
	/* ELR as the module's own address of the same instruction, for %pS */
	panic("vmm: unexpected exception at EL2: ESR_EL2 %#llx ELR_EL2 %#llx (%pS) FAR_EL2 %#llx\n",
	      esr, elr, (void *)hyp_el2_va_of(elr), far);
}

static struct arm_smccc_res stub_call(u64 fn, u64 a1, u64 a2, u64 a3, u64 a4)
{
	struct arm_smccc_res res;

	/* the stub keeps nothing but what it must: assume x0-x17 clobbered */
	register u64 x0 asm("x0") = fn;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;
	register u64 x4 asm("x4") = a4;

	asm volatile("hvc #0"
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)
		     :
		     : "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
		       "x14", "x15", "x16", "x17", "memory");
	res.a0 = x0;
	res.a1 = x1;
	res.a2 = x2;
	res.a3 = x3;
	return res;
}

/* Clean to the point of coherency: read by EL2 with its MMU off. */
static void clean_poc(const void *va, size_t size)
{
	vmm_dcache_clean_inval_poc(va, size);
}

/*
 * Take EL2 on this CPU (interrupts off).  EL2 must be the kernel's hyp
 * stub: it answers a call it does not know, such as ours, with
 * HVC_STUB_ERR.  Anything else there (our own EL2 left behind, a
 * hypervisor under which this kernel is a guest) is left alone.
 */
static int take_el2(void)
{
	unsigned int cpu = smp_processor_id();
	struct vmm_nvhe_cpu *c = per_cpu(nvhe_cpu, cpu);
	struct arm_smccc_res res;

	if (cpumask_test_cpu(cpu, &nvhe_taken))
		return 0;
	/* this CPU's sequence against Spectre-BHB on guest exit (spectre.c) */
	if (!this_cpu_ptr(&vmm_hyp_host)->bhb_known)
		vmm_spectre_bhb_init_cpu(this_cpu_ptr(&vmm_hyp_host));
	c->hyp_host = *this_cpu_ptr(&vmm_hyp_host);
	res = stub_call(VMM_HC_PING, 0, 0, 0, 0);
	if (res.a0 != HVC_STUB_ERR) {
		pr_err("CPU%u: EL2 is not the kernel's hyp stub: it answers %#lx\n", cpu, res.a0);
		return -EBUSY;
	}
	clean_poc(&c->init, sizeof(c->init));
	res = stub_call(HVC_SOFT_RESTART, image_pa(NVHE_SYM(hyp_init)),
			virt_to_phys(c), 0, 0);
	if (res.a0) {
		pr_err("CPU%u: the hyp stub did not run our EL2 set-up: %#lx\n", cpu, res.a0);
		return -EBUSY;
	}
	WRITE_ONCE(c->stub_vectors, res.a1);
	if (!nvhe.stub_vectors)
		nvhe.stub_vectors = res.a1;
	else if (res.a1 != nvhe.stub_vectors)
		pr_warn("CPU%u: the hyp stub's vectors are at %#lx, another CPU's at %#llx\n",
			cpu, res.a1, nvhe.stub_vectors);

	res = vmm_nvhe_call(VMM_HC_PING, 0, 0, 0);
	if (res.a0 || res.a1 != cpu) {
		pr_err("CPU%u: our EL2 does not answer (%#lx, %#lx)\n", cpu, res.a0, res.a1);
		stub_call(HVC_RESET_VECTORS, 0, 0, 0, 0);
		return -EIO;
	}
	cpumask_set_cpu(cpu, &nvhe_taken);
	return 0;
}

/* Give EL2 back to the stub on this CPU (interrupts off). */
static void give_el2_back(void)
{
	unsigned int cpu = smp_processor_id();
	struct arm_smccc_res res;

	if (!cpumask_test_cpu(cpu, &nvhe_taken))
		return;
	res = stub_call(HVC_RESET_VECTORS, 0, 0, 0, 0);
	WARN(res.a0, "vmm: CPU%u: EL2 did not give its vectors back: %#lx\n", cpu, res.a0);
	cpumask_clear_cpu(cpu, &nvhe_taken);
}

int vmm_nvhe_cpu_up(void)
{
	unsigned long flags;
	int ret = 0;

	local_irq_save(flags);
	if (!READ_ONCE(nvhe.gone))
		ret = take_el2();
	local_irq_restore(flags);
	return ret;
}

void vmm_nvhe_cpu_down(void)
{
	unsigned long flags;

	local_irq_save(flags);
	give_el2_back();
	local_irq_restore(flags);
}

/*
 * A CPU power state may lose EL2's state, and the kernel puts its stub
 * back on the way out of one (cpu_resume runs its EL2 set-up again):
 * give EL2 back before and take it again after, with the list registers
 * zeroed again, as KVM does around its CPU PM notifier.  Called with interrupts off on the CPU concerned, for
 * idle states and (through the syscore ops of kernel/cpu_pm.c) system
 * suspend.  QEMU's PSCI CPU_SUSPEND is a WFI that loses nothing, so the
 * test bed cannot show a lost EL2 coming back.
 */
static int nvhe_cpu_pm(struct notifier_block *nb, unsigned long cmd, void *v)
{
	unsigned int cpu = smp_processor_id();

	switch (cmd) {
	case CPU_PM_ENTER:
		if (cpumask_test_cpu(cpu, &nvhe_taken)) {
			give_el2_back();
			cpumask_set_cpu(cpu, &nvhe_pm_given);
		}
		break;
	case CPU_PM_ENTER_FAILED:
	case CPU_PM_EXIT:
		if (!cpumask_test_and_clear_cpu(cpu, &nvhe_pm_given) || READ_ONCE(nvhe.gone))
			break;
		if (WARN(take_el2(), "vmm: CPU%u: EL2 not taken back after a power state: no vCPU runs here\n",
			 cpu))
			break;
		/* the list registers may have lost their zeroes (vgic.c) */
		if (vmm_vgic_global.usable)
			vmm_nvhe_call(VMM_HC_VGIC_RESET, vmm_vgic_global.nr_lrs, 0, 0);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block nvhe_cpu_pm_nb = { .notifier_call = nvhe_cpu_pm };

static void give_back_ipi(void *unused)
{
	give_el2_back();
}

/*
 * Reboot, power-off and kexec: the next owner (the firmware, or the
 * kexec'd kernel through machine_kexec()'s HVC_SET_VECTORS) expects the
 * stub.  The stub calls are answered as the stub would anyway (hyp-init.S),
 * but a kexec sets its vectors with HVC_SET_VECTORS, which only the stub
 * itself honours: so every CPU gets the stub back here, as KVM's reboot
 * notifier does, and nothing takes EL2 again.
 */
static int nvhe_reboot(struct notifier_block *nb, unsigned long action, void *data)
{
	WRITE_ONCE(nvhe.gone, true);
	on_each_cpu(give_back_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block nvhe_reboot_nb = { .notifier_call = nvhe_reboot };

/* How many breakpoints and watchpoints every CPU has (ID_AA64DFR0_EL1). */
static void debug_counts(u32 *brps, u32 *wrps)
{
	u64 dfr0 = read_sanitised_ftr_reg(SYS_ID_AA64DFR0_EL1);

	*brps = ((dfr0 >> 12) & 0xf) + 1;
	*wrps = ((dfr0 >> 20) & 0xf) + 1;
}

/*
 * This CPU's EL2 state: the init block, where EL2 finds itself, and what
 * it cannot ask the kernel.
 */
static int setup_cpu(unsigned int cpu)
{
	struct vmm_nvhe_cpu *c = (void *)get_zeroed_page(GFP_KERNEL);
	void *stack = (void *)__get_free_pages(GFP_KERNEL, NVHE_STACK_ORDER);
	u64 parange = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1) & 0xf;
	int ret;

	per_cpu(nvhe_cpu, cpu) = c;
	per_cpu(nvhe_stack, cpu) = stack;
	if (!c || !stack)
		return -ENOMEM;
	ret = vmm_hyp_map_kva(c, PAGE_SIZE, VMM_HYP_RW);
	if (!ret)
		ret = vmm_hyp_map_kva(stack, PAGE_SIZE << NVHE_STACK_ORDER, VMM_HYP_RW);
	if (ret)
		return ret;

	c->cpu = cpu;
	debug_counts(&c->cfg.brps, &c->cfg.wrps);
	c->cfg.ras = cpus_have_const_cap(ARM64_HAS_RAS_EXTN);
	c->cfg.hcr_ras = c->cfg.ras ? HCR_TERR | HCR_TEA : 0;
	c->cfg.gic_sysregs = cpus_have_const_cap(ARM64_HAS_SYSREG_GIC_CPUIF);
	c->cfg.speculative_at = cpus_have_const_cap(ARM64_WORKAROUND_SPECULATIVE_AT);
	c->stack_top = vmm_hyp_va(stack) + (PAGE_SIZE << NVHE_STACK_ORDER);
	c->init.mair = read_sysreg(mair_el1);	/* the kernel's memory types */
	/* 4 KiB granule, 48-bit VAs, cacheable inner-shareable walks */
	c->init.tcr = TCR_EL2_RES1 | TCR_T0SZ(VMM_HYP_VA_BITS) | TCR_TG0_4K |
		      TCR_SH0_INNER | TCR_ORGN0_WBWA | TCR_IRGN0_WBWA |
		      (min_t(u64, parange, 5) << TCR_EL2_PS_SHIFT);
	c->init.ttbr0 = vmm_hyp_pgd();
	c->init.sctlr = INIT_SCTLR_EL2_MMU_ON;
	c->init.sp = c->stack_top;
	c->init.tpidr = vmm_hyp_va(c);
	c->init.vbar = image_hyp_va(NVHE_SYM(host_vectors));
	return 0;
}

static void free_cpus(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		free_page((unsigned long)per_cpu(nvhe_cpu, cpu));
		free_pages((unsigned long)per_cpu(nvhe_stack, cpu), NVHE_STACK_ORDER);
		per_cpu(nvhe_cpu, cpu) = NULL;
		per_cpu(nvhe_stack, cpu) = NULL;
	}
}

/* The image copied, EL2's tables built; EL2 is taken per CPU later. */
int vmm_nvhe_init(void)
{
	const char *start = NVHE_SYM(hyp_image_start);
	unsigned int cpu;
	int ret;

	nvhe.size = NVHE_SYM(hyp_image_end) - start;
	nvhe.image = alloc_pages_exact(nvhe.size, GFP_KERNEL);
	if (!nvhe.image)
		return -ENOMEM;
	memcpy(nvhe.image, start, nvhe.size);
	/* fetched through the MMU (cacheable) and, in the idmap page, without */
	clean_poc(nvhe.image, nvhe.size);
	caches_clean_inval_pou((unsigned long)nvhe.image,
			       (unsigned long)nvhe.image + nvhe.size);

	ret = vmm_hyp_mm_init();
	if (ret)
		goto out_image;
	/* text (and the idmap page) executable, read-only data, data */
	ret = vmm_hyp_map(image_hyp_va(start), image_pa(start),
			  image_off(NVHE_SYM(hyp_text_end)), VMM_HYP_RX);
	if (!ret)
		ret = vmm_hyp_map(image_hyp_va(NVHE_SYM(hyp_text_end)),
				  image_pa(NVHE_SYM(hyp_text_end)),
				  NVHE_SYM(hyp_rodata_end) - NVHE_SYM(hyp_text_end), VMM_HYP_RO);
	if (!ret)
		ret = vmm_hyp_map(image_hyp_va(NVHE_SYM(hyp_rodata_end)),
				  image_pa(NVHE_SYM(hyp_rodata_end)),
				  NVHE_SYM(hyp_image_end) - NVHE_SYM(hyp_rodata_end), VMM_HYP_RW);
	/* the identity map: the idmap page at its physical address */
	if (!ret)
		ret = vmm_hyp_map(image_pa(start), image_pa(start),
				  image_off(NVHE_SYM(hyp_idmap_end)), VMM_HYP_RX);
	for_each_possible_cpu(cpu)
		if (!ret)
			ret = setup_cpu(cpu);
	if (ret)
		goto out_mm;
	cpu_pm_register_notifier(&nvhe_cpu_pm_nb);
	register_reboot_notifier(&nvhe_reboot_nb);
	return 0;

out_mm:
	free_cpus();
	vmm_hyp_mm_destroy();
out_image:
	free_pages_exact(nvhe.image, nvhe.size);
	return ret;
}

/* After every CPU has given EL2 back (cpuhp teardown). */
void vmm_nvhe_exit(void)
{
	unregister_reboot_notifier(&nvhe_reboot_nb);
	cpu_pm_unregister_notifier(&nvhe_cpu_pm_nb);
	WARN_ON(!cpumask_empty(&nvhe_taken));
	free_cpus();
	vmm_hyp_mm_destroy();
	free_pages_exact(nvhe.image, nvhe.size);
}

/*
 * A vCPU is mapped at EL2 for its life.  EL2 maps whole pages, so the
 * vCPU must own its pages: kmalloc() gives an object of more than half a
 * page a naturally aligned slot of a page or more, its alone.
 */
static_assert(sizeof(struct vmm_vcpu) > PAGE_SIZE / 2);

int vmm_nvhe_vcpu_init(struct vmm_vcpu *vcpu)
{
	int ret = vmm_hyp_map_kva(vcpu, sizeof(*vcpu), VMM_HYP_RW);

	if (ret)
		vmm_hyp_unmap(vmm_hyp_va(vcpu), sizeof(*vcpu));
	else
		vcpu->hyp_va = vmm_hyp_va(vcpu);
	return ret;
}

void vmm_nvhe_vcpu_destroy(struct vmm_vcpu *vcpu)
{
	if (vcpu->hyp_va)
		vmm_hyp_unmap(vcpu->hyp_va, sizeof(*vcpu));
	vcpu->hyp_va = 0;
}

/*
 * The guest's virtual timer in the CPU from load to put, with its
 * counter offset (an EL2 register): the host at EL1 never uses it.
 */
void vmm_nvhe_vtimer_load(struct vmm_vcpu *vcpu)
{
	vmm_nvhe_call(VMM_HC_SET_CNTVOFF, READ_ONCE(vcpu->vm->cntvoff), 0, 0);
	write_sysreg(vcpu->ctxt.sys[CNTV_CVAL_EL0], cntv_cval_el0);
	write_sysreg(vcpu->ctxt.sys[CNTV_CTL_EL0], cntv_ctl_el0);
	isb();
}

void vmm_nvhe_vtimer_put(struct vmm_vcpu *vcpu)
{
	vcpu->ctxt.sys[CNTV_CTL_EL0] = read_sysreg(cntv_ctl_el0);
	vcpu->ctxt.sys[CNTV_CVAL_EL0] = read_sysreg(cntv_cval_el0);
	/* it must not fire at the host, nor host readers see the guest's offset */
	write_sysreg(0, cntv_ctl_el0);
	isb();
	vmm_nvhe_call(VMM_HC_SET_CNTVOFF, 0, 0, 0);
}

u64 vmm_nvhe_run_once(struct vmm_vcpu *vcpu)
{
	const struct vmm_vm *vm = vcpu->vm;
	struct arm_smccc_res res;

	vcpu->hyp_vm.vttbr = READ_ONCE(vm->vttbr);
	vcpu->hyp_vm.vtcr = vm->vtcr;
	res = vmm_nvhe_call(VMM_HC_RUN, vcpu->hyp_va, 0, 0);
	/*
	 * Only the stub answers otherwise (after the reboot notifier, or a
	 * CPU power state EL2 could not be taken back from): no run.
	 */
	if (unlikely(res.a0 & ~(u64)(VMM_EXIT_WITH_SERROR | 3))) {
		pr_err_ratelimited("CPU%d: EL2 is not ours (%#lx): the vCPU cannot run here\n",
				   smp_processor_id(), res.a0);
		return VMM_EXIT_NOT_RUN;
	}
	return res.a0;
}

/*
 * A call whose work reaches every CPU (a broadcast TLB invalidation),
 * made from this one: false if this CPU's EL2 is not ours, which only the
 * reboot notifier or a CPU that could not take EL2 back after a power
 * state leaves behind.  The caller must then not free what the work was
 * to make unreachable.
 */
bool vmm_nvhe_broadcast(u64 id, u64 a1, u64 a2)
{
	struct arm_smccc_res res = vmm_nvhe_call(id, a1, a2, 0);

	if (likely(!res.a0))
		return true;
	WARN_ONCE(!READ_ONCE(nvhe.gone), "vmm: CPU%d: EL2 is not ours: call %#llx not done (%#lx)\n",
		  raw_smp_processor_id(), id, res.a0);
	return false;
}

u64 vmm_nvhe_stub_vectors(void)
{
	return nvhe.stub_vectors;
}

const struct cpumask *vmm_nvhe_cpus(void)
{
	return &nvhe_taken;
}
