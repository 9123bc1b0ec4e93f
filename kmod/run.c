// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - KVM_RUN: the run loop.  Each exit goes to vmm_handle_exit()
 * (handle_exit.c), whose answer (emulate.h) says what to do next.
 *
 * KVM_RUN loads the guest's EL1 system registers into the CPU once and
 * puts them back when it returns; in between, a preempt notifier puts them
 * whenever the thread is scheduled out and loads them when it is scheduled
 * back in, on whichever CPU (the VHE design: the host at EL2 never uses
 * them).  The inner loop runs with preemption off, and keeps the guest's
 * FP/SIMD registers in the CPU once it has used them (the first use traps,
 * and kernel_neon_begin() saves the host task's then: a guest that never
 * touches FP never pays for it).  It leaves for userspace, signals,
 * rescheduling, pending softirqs, stage-2 faults (pinning pages sleeps) and
 * WFI.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/math64.h>
#include <linux/sched/signal.h>
#include <linux/wait.h>

#include <asm/arch_timer.h>
#include <asm/cpufeature.h>
#include <asm/daifflags.h>
#include <asm/neon.h>
#include <asm/sysreg.h>

#include <linux/rcuwait.h>

#include "emulate.h"

/*
 * Sleep for the WFI that handle_wfx() saw, preemptible, until an
 * interrupt is pending for the vCPU (vmm_vcpu_kick() wakes it), its timer
 * deadline passes (while it sleeps it is put, so its timer cannot fire:
 * the load after the wake-up makes the interrupt pending), or a signal
 * comes.  The condition is tested after the task state is set, and a
 * waker sets the interrupt state before it wakes: no wake-up is lost.
 */
static void vcpu_block(struct vmm_vcpu *vcpu)
{
	u32 freq = arch_timer_get_cntfrq();

	prepare_to_rcuwait(&vcpu->wait);
	for (;;) {
		u64 now = vmm_guest_cntvct(vcpu->vm);
		ktime_t timeout;

		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(current) || vcpu->wfi_deadline <= now ||
		    READ_ONCE(vcpu->psci.power_off) || vmm_vgic_pending(vcpu))
			break;
		if (vcpu->wfi_deadline == WFI_NO_DEADLINE) {
			schedule();
			continue;
		}
		timeout = vcpu->wfi_deadline - now >= freq * 60ULL ? 60 * NSEC_PER_SEC :
			  mul_u64_u32_div(vcpu->wfi_deadline - now, NSEC_PER_SEC, freq);
		schedule_hrtimeout(&timeout, HRTIMER_MODE_REL);
	}
	__set_current_state(TASK_RUNNING);
	finish_rcuwait(&vcpu->wait);
}

/*
 * The kick IPI, one per destination CPU: static, so no vCPU's end can free
 * one still queued, and "busy" means an IPI is already on its way to that
 * very CPU.  Its function does nothing: the IPI's work is to make the CPU
 * leave the guest.
 */
static DEFINE_PER_CPU(call_single_data_t, kick_csd);

static void kick_ipi(void *info)
{
}

void vmm_kick_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		INIT_CSD(per_cpu_ptr(&kick_csd, cpu), kick_ipi, NULL);
}

/* At unload, no VM left: every kick IPI delivered and its handler done. */
void vmm_kick_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		while (smp_load_acquire(&per_cpu_ptr(&kick_csd, cpu)->node.u_flags) & CSD_FLAG_LOCK)
			cpu_relax();
	synchronize_rcu();	/* a handler still running had interrupts off */
}

void vmm_vcpu_kick_init(struct vmm_vcpu *vcpu)
{
	rcuwait_init(&vcpu->wait);
}

/*
 * Called after the interrupt's state is set.  rcuwait_wake_up() begins
 * with a full barrier, which pairs with the one run_inner() puts between
 * setting the mode and reading the ap list: either the vCPU sees the new
 * interrupt before it enters, or this sees it in the guest and sends the
 * IPI (with interrupts masked until the entry, the IPI then makes it exit
 * at once).  The CPU was published before the mode.
 */
void vmm_vcpu_kick(struct vmm_vcpu *vcpu)
{
	int cpu;

	if (rcuwait_wake_up(&vcpu->wait))
		return;
	if (smp_load_acquire(&vcpu->mode) != VMM_IN_GUEST)
		return;
	cpu = READ_ONCE(vcpu->cpu);
	if (cpu != raw_smp_processor_id())
		smp_call_function_single_async(cpu, per_cpu_ptr(&kick_csd, cpu));
}

/* ---- the run loop --------------------------------------------------------- */

static bool must_leave(void)
{
	return signal_pending(current) || need_resched() || local_softirq_pending();
}

static inline struct vmm_vcpu *pn_to_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct vmm_vcpu, pn);
}

/* The guest's EL1 state and VMID into this CPU, and back; preemption off. */
DEFINE_PER_CPU(struct vmm_vcpu *, vmm_loaded_vcpu);

static void __vcpu_load(struct vmm_vcpu *vcpu)
{
	vmm_vmid_load(vcpu->vm);
	/*
	 * nVHE: the host uses the EL1 registers, so EL2 swaps them at every
	 * run; only the virtual timer, which the host does not use, stays.
	 */
	if (vmm_is_nvhe()) {
		vmm_nvhe_vtimer_load(vcpu);
		vcpu->vtimer_loaded = true;
	} else {
		vmm_vhe_vcpu_load(vcpu, &vcpu->host);
		vcpu->sysregs_loaded = true;
	}
	vcpu->cpu = smp_processor_id();
	/* last: the timer's interrupt handler may look at it from now on */
	__this_cpu_write(vmm_loaded_vcpu, vcpu);
	vmm_timer_load(vcpu);
}

static void __vcpu_put(struct vmm_vcpu *vcpu)
{
	__this_cpu_write(vmm_loaded_vcpu, NULL);
	if (vmm_is_nvhe()) {
		vcpu->vtimer_loaded = false;
		vmm_nvhe_vtimer_put(vcpu);
	} else {
		vcpu->sysregs_loaded = false;
		vmm_vhe_vcpu_put(vcpu, &vcpu->host);
	}
	vmm_vmid_put();
}

static void vcpu_sched_in(struct preempt_notifier *pn, int cpu)
{
	__vcpu_load(pn_to_vcpu(pn));
}

/* the FP/SIMD registers were put before preemption was possible */
static void vcpu_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	__vcpu_put(pn_to_vcpu(pn));
}

static struct preempt_ops vcpu_preempt_ops = {
	.sched_in	= vcpu_sched_in,
	.sched_out	= vcpu_sched_out,
};

static void vcpu_load(struct vmm_vcpu *vcpu)
{
	preempt_disable();
	preempt_notifier_init(&vcpu->pn, &vcpu_preempt_ops);
	preempt_notifier_register(&vcpu->pn);
	__vcpu_load(vcpu);
	preempt_enable();
}

static void vcpu_put(struct vmm_vcpu *vcpu)
{
	preempt_disable();
	__vcpu_put(vcpu);
	preempt_notifier_unregister(&vcpu->pn);
	preempt_enable();
}

/*
 * Park a powered-off vCPU until CPU_ON, then apply the start: the reset
 * reaches the loaded EL1 registers by a put and a load around it.
 */
static int wait_power_on(struct vmm_vcpu *vcpu)
{
	bool start;

	if (wait_event_interruptible(vcpu->wq, !READ_ONCE(vcpu->psci.power_off)))
		return -EINTR;
	spin_lock(&vcpu->vm->power_lock);
	start = vcpu->psci.start_pending;
	vcpu->psci.start_pending = false;
	spin_unlock(&vcpu->vm->power_lock);
	if (start) {
		vcpu_put(vcpu);
		vmm_vcpu_reset(vcpu);
		vcpu->ctxt.gp.pc = vcpu->psci.start_pc;
		vcpu->ctxt.gp.x[0] = vcpu->psci.start_ctx;
		vcpu_load(vcpu);
	}
	return 0;
}

/* Enter the guest until an exit needs more than the inner loop can do. */
static int run_inner(struct vmm_vcpu *vcpu)
{
	int ret;
	u64 code;

	/*
	 * AArch32 at EL0 where the system does not run it (a mismatched
	 * system: the guest dropped there on a core that has it, and its
	 * thread moved): the ERET would be illegal and fault at EL2.  Refuse
	 * the entry, as KVM's vcpu_mode_is_bad_32bit().
	 */
	if ((vcpu->ctxt.gp.pstate & PSR_MODE32_BIT) &&
	    !id_aa64pfr0_32bit_el0(read_sanitised_ftr_reg(SYS_ID_AA64PFR0_EL1))) {
		vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		vcpu->run->fail_entry.hardware_entry_failure_reason =
			KVM_EXIT_FAIL_ENTRY_CPU_UNSUPPORTED;
		vcpu->run->fail_entry.cpu = raw_smp_processor_id();
		return VMM_TO_USER;
	}
	preempt_disable();
	do {
		/*
		 * All of DAIF masked across the switch, as KVM's VHE run does:
		 * VBAR_EL2 points at our vectors meanwhile, whose current-EL
		 * entries must never run, and an SError or a debug exception
		 * would take one.  Then the host's process context without
		 * IRQs (SError and debug unmasked again), then IRQs.  The
		 * local_daif_*() helpers also keep pseudo-NMI's ICC_PMR_EL1
		 * masking right (ARM64_PSEUDO_NMI, off in Debian's kernel).
		 */
		local_daif_mask();
		/*
		 * From here an interrupt made pending for this vCPU sends an
		 * IPI (vmm_vcpu_kick()); the barrier orders the mode before
		 * the look at the ap list in the flush.
		 */
		smp_store_mb(vcpu->mode, VMM_IN_GUEST);
		vmm_vgic_flush(vcpu);
		if (vmm_is_nvhe())
			code = vmm_nvhe_run_once(vcpu);
		else
			code = vmm_vhe_run_once(vcpu, &vcpu->host);
		WRITE_ONCE(vcpu->mode, VMM_OUTSIDE_GUEST);
		/* before interrupts: the timer's handler may change the state */
		vmm_vgic_sync(vcpu);
		local_daif_restore(DAIF_PROCCTX_NOIRQ);
		local_irq_enable();
		ret = vmm_handle_exit(vcpu, code);
	} while (ret == VMM_RESUME && !READ_ONCE(vcpu->psci.power_off) && !must_leave());
	if (vcpu->fp_loaded) {
		__vmm_fpsimd_save(&vcpu->ctxt.fp);
		kernel_neon_end();
		vcpu->fp_loaded = false;
	}
	preempt_enable();
	return ret;
}

int vmm_vcpu_run(struct vmm_vcpu *vcpu)
{
	int ret;

	/*
	 * What the last exit asked for is done first, immediate_exit or not:
	 * KVM completes a pending MMIO read before it looks at the flag
	 * (kvm_arch_vcpu_ioctl_run()), so userspace sees the guest's
	 * registers as they will run.
	 */
	vmm_complete_mmio(vcpu);
	if (READ_ONCE(vcpu->run->immediate_exit)) {
		vcpu->run->exit_reason = KVM_EXIT_INTR;
		return -EINTR;
	}
	/*
	 * Under the VM's lock, as KVM_CREATE_DEVICE tests it: either the GIC
	 * was created first and vmm_vgic_map() sees it, or the creation is
	 * refused; never a vCPU running without the GIC its VM has.  A vCPU
	 * that finds it set already reads it with acquire, which orders its
	 * look at vgic.created after the creation the lock ordered first.
	 */
	if (!smp_load_acquire(&vcpu->vm->ran_once)) {
		mutex_lock(&vcpu->vm->lock);
		smp_store_release(&vcpu->vm->ran_once, true);
		mutex_unlock(&vcpu->vm->lock);
	}
	ret = vmm_vgic_map(vcpu->vm);
	if (ret)
		return ret;
	vcpu_load(vcpu);
	for (;;) {
		if (READ_ONCE(vcpu->psci.power_off) && wait_power_on(vcpu)) {
			ret = -EINTR;
			break;
		}
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		ret = run_inner(vcpu);
		if (ret == VMM_MAP_PAGE) {
			ret = vmm_stage2_map(vcpu->vm, vmm_fault_ipa(vcpu));
			/* -ENOENT: the slot was deleted; the retry exits as MMIO */
			if (ret && ret != -ENOENT)
				break;
		} else if (ret == VMM_BLOCK) {
			vcpu_block(vcpu);
		} else if (ret == VMM_FLUSH_CACHES) {
			vmm_stage2_flush_vm(vcpu->vm);
		} else if (ret != VMM_YIELD && ret != VMM_RESUME) {
			break;		/* VMM_TO_USER (0) or an error */
		}
		cond_resched();
	}
	vcpu_put(vcpu);
	if (ret == -EINTR)
		vcpu->run->exit_reason = KVM_EXIT_INTR;
	return ret;
}
