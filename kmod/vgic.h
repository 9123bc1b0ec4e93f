/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgic.h - the in-kernel GICv3: interrupt state, the distributor and
 * redistributors a guest programs (vgic-mmio.c), the KVM device that
 * userspace creates and configures (vgic-dev.c), and the path from that
 * state to the CPU's list registers and back (vgic.c, hyp/vhe/switch.c).
 *
 * The model, as KVM's: every interrupt (SGI, PPI, SPI) has one struct
 * vmm_irq; an interrupt that is pending or active sits on the "ap list"
 * of the vCPU that will take it (or took it); before each entry the
 * highest-priority ones go into the list registers, and after each exit
 * what the guest did to them (acknowledged, completed) comes back.
 *
 * Locking: one lock per VM, @vgic.lock, guards every interrupt's state and
 * every ap list of the VM.  KVM has a lock per interrupt and per ap list;
 * a VM-wide lock is simpler to reason about, never needs an ordering rule,
 * and costs nothing on the paths that matter: the entry and exit of a
 * vCPU with nothing in flight take no lock at all.  It is a raw spinlock
 * taken with interrupts off: the virtual timer's handler injects from
 * hard interrupt context.
 */
#ifndef VMM_VGIC_H
#define VMM_VGIC_H

#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "io_bus.h"

struct vmm_vm;
struct vmm_vcpu;

#define VGIC_NR_SGIS		16
#define VGIC_NR_PRIVATE		32		/* SGIs and PPIs, per vCPU */
#define VGIC_MAX_IRQS		1024		/* INTIDs a bank of registers spans */
#define VGIC_MAX_RESERVED	1023		/* KVM's ceiling for NR_IRQS */
#define VGIC_DEFAULT_IRQS	256		/* when userspace sets none */
#define VGIC_MAX_LRS		16
#define VGIC_PRI_BITS		5		/* priority bits kept, as KVM */
#define VGIC_ADDR_UNDEF		(~0ULL)
#define VGIC_DIST_SIZE		SZ_64K
#define VGIC_REDIST_SIZE	(2 * SZ_64K)	/* RD_base and SGI_base frames */

/* the PPIs of the guest's timers, as KVM numbers them */
#define VGIC_PPI_VTIMER		27
#define VGIC_PPI_PTIMER		30

struct vmm_irq {
	struct list_head	ap_list;	/* on @vcpu's, while it holds it */
	struct vmm_vcpu		*vcpu;		/* whose ap list it is on, or NULL */
	struct vmm_vcpu		*target;	/* who takes it when it is pending */
	u64			route;		/* SPIs: GICD_IROUTER's affinity */
	u32			intid;
	u32			hwintid;	/* @hw: the physical interrupt */
	u8			priority;
	bool			enabled;
	bool			group1;
	bool			edge;		/* edge-triggered; else level */
	bool			hw;		/* a physical one stands behind it */
	bool			pending_latch;	/* edge seen, or ISPENDR written */
	bool			line_level;	/* level: its input line is high */
	bool			active;
};

/* The VM's GIC (vmm_vm.vgic). */
struct vmm_vgic {
	raw_spinlock_t		lock;
	bool			created;	/* KVM_CREATE_DEVICE done */
	bool			initialised;	/* KVM_DEV_ARM_VGIC_CTRL_INIT done */
	bool			mapped;		/* its frames are on the io bus */
	bool			enabled;	/* GICD_CTLR.EnableGrp1 */
	bool			enabled_g0;	/* GICD_CTLR.EnableGrp0 */
	u64			dist_base, redist_base;
	unsigned int		nr_spis;
	struct vmm_irq		*spis;
	struct vmm_io_dev	dist_io, redist_io;
};

/* A vCPU's redistributor and virtual CPU interface (vmm_vcpu.vgic). */
struct vmm_vgic_cpu {
	struct vmm_irq		private[VGIC_NR_PRIVATE];
	struct list_head	ap_list;
	bool			sleep;		/* GICR_WAKER.ProcessorSleep */

	/* what the list registers hold for the next entry, or held at exit */
	u64			lr[VGIC_MAX_LRS];
	unsigned int		used_lrs;
	u64			hcr;		/* ICH_HCR_EL2 for the entry */

	/* the virtual CPU interface's state while not loaded */
	u64			vmcr;		/* ICH_VMCR_EL2 */
	u32			ap0r[4], ap1r[4];	/* ICH_AP0R<n>/AP1R<n>_EL2 */
};

/* What every CPU's GIC gives a guest (vgic.c). */
struct vmm_vgic_global {
	bool			usable;		/* a vGICv3 can be created */
	unsigned int		nr_lrs;
	u64			ich_vtr;	/* ICH_VTR_EL2, read once */
	int			maint_irq;	/* Linux's number; 0: none */
};
extern struct vmm_vgic_global vmm_vgic_global;

/* vgic.c */
int vmm_vgic_init_global(void);
void vmm_vgic_exit_global(void);
void vmm_vgic_cpu_up(void);
void vmm_vgic_cpu_down(void);
void vmm_vgic_vcpu_init(struct vmm_vcpu *vcpu);
/* Allocate the SPIs and route them (KVM_DEV_ARM_VGIC_CTRL_INIT). */
int vmm_vgic_init(struct vmm_vm *vm);
/* At a vCPU's first KVM_RUN: the frames placed and on the io bus. */
int vmm_vgic_map(struct vmm_vm *vm);
void vmm_vgic_destroy(struct vmm_vm *vm);
struct vmm_irq *vmm_vgic_irq(struct vmm_vm *vm, struct vmm_vcpu *vcpu, u32 intid);
/* Set a line (level) or signal an edge (@level true); lock not held. */
int vmm_vgic_inject(struct vmm_vm *vm, struct vmm_vcpu *vcpu, u32 intid, bool level);
int vmm_vgic_irq_line(struct vmm_vm *vm, const struct kvm_irq_level *irq);
/* Lock held: @irq's state changed; put it where it must be, kick. */
void vmm_vgic_queue(struct vmm_vm *vm, struct vmm_irq *irq);
/* Before an entry and after an exit, interrupts off (vmm_drv.h's wrappers). */
void __vmm_vgic_flush(struct vmm_vcpu *vcpu);
void __vmm_vgic_sync(struct vmm_vcpu *vcpu);
/* An interrupt the guest would take now, masks aside (WFI's question). */
bool vmm_vgic_pending(struct vmm_vcpu *vcpu);
/* A PPI's line set; whether it is then pending or active. */
bool vmm_vgic_set_line(struct vmm_vcpu *vcpu, u32 intid, bool level);
/* A write to ICC_SGI1R_EL1 (@group1) or ICC_SGI0R/ASGI1R_EL1. */
void vmm_vgic_send_sgi(struct vmm_vcpu *vcpu, u64 reg, bool group1);
/* Make @intid of @vcpu stand for physical interrupt @hwintid. */
void vmm_vgic_map_hw(struct vmm_vcpu *vcpu, u32 intid, u32 hwintid);

/* vgic-mmio.c: the frames, for the guest (@uaccess false) or userspace */
int vmm_vgic_dist_access(struct vmm_vm *vm, u32 off, unsigned int len,
			 u64 *val, bool write, bool uaccess);
int vmm_vgic_redist_access(struct vmm_vcpu *vcpu, u32 off, unsigned int len,
			   u64 *val, bool write, bool uaccess);
extern const struct vmm_io_ops vmm_vgic_dist_ops, vmm_vgic_redist_ops;

/* vgic-dev.c: KVM_CREATE_DEVICE */
int vmm_create_device(struct vmm_vm *vm, struct kvm_create_device *cd);

#endif
