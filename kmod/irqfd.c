// SPDX-License-Identifier: GPL-2.0
/*
 * irqfd.c - KVM_IRQFD: an eventfd the vmm's device thread signals makes
 * an SPI pending in the vGIC, from the eventfd's wake-up, with no ioctl
 * and no vCPU exit.  KVM's rules (virt/kvm/eventfd.c, api.rst): GSI n is
 * SPI 32 + n (arm64's default routing); a plain irqfd pulses the line
 * (high, then low: an edge-triggered SPI latches it, a level one sees
 * nothing); with KVM_IRQFD_FLAG_RESAMPLE the line stays high until the
 * guest completes the interrupt, then goes low and the resample eventfd
 * is signalled, so the device can raise it again if it still needs to.
 * Only after KVM_DEV_ARM_VGIC_CTRL_INIT (-EAGAIN before); one irqfd per
 * eventfd (-EBUSY); deassign removes every irqfd of that eventfd and GSI
 * and returns once none can fire.  Closing the eventfd removes it too.
 *
 * Each irqfd has one owner for its teardown: whoever takes it off the
 * VM's list (deassign, the VM's death, or the work an EPOLLHUP queues).
 * The owner unhooks it from the eventfd's wait queue first (after that no
 * wake-up can run or queue the work), then waits for the work, then frees.
 * Assign, deassign, the VM's death and that work are serialised by the
 * VM's irqfd mutex: no teardown can meet an irqfd half hooked.  The works
 * run on a queue of the module's own, flushed at each VM's death and at
 * unload, so none outlives its VM or the module.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/kvm.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "vmm_drv.h"

struct vmm_irqfd {
	struct list_head	list;		/* vm->irqfds, under vm->irqfd_lock */
	struct list_head	dead_link;	/* its owner's list, once off @list */
	struct vmm_vm		*vm;
	struct eventfd_ctx	*eventfd;
	struct eventfd_ctx	*resamplefd;	/* NULL: a plain irqfd */
	u32			gsi;		/* SPI 32 + gsi */
	bool			dead;		/* off vm->irqfds: owned */
	wait_queue_entry_t	wait;
	poll_table		pt;
	struct work_struct	shutdown;
};

static struct workqueue_struct *irqfd_wq;

int vmm_irqfd_init(void)
{
	irqfd_wq = alloc_workqueue("vmm-irqfd", 0, 0);
	return irqfd_wq ? 0 : -ENOMEM;
}

void vmm_irqfd_exit(void)
{
	destroy_workqueue(irqfd_wq);	/* drains it */
}

static void irqfd_inject(struct vmm_irqfd *irqfd)
{
	u32 intid = irqfd->gsi + VGIC_NR_PRIVATE;
	struct vmm_vm *vm = irqfd->vm;

	/* a GSI beyond the GIC's SPIs routes nowhere: nothing, as in KVM */
	if (irqfd->gsi >= VGIC_MAX_IRQS || vmm_vgic_inject(vm, NULL, intid, true))
		return;
	if (!irqfd->resamplefd)
		vmm_vgic_inject(vm, NULL, intid, false);
}

/* Off the VM's list (irqfd_lock held); false if another owner has it. */
static bool irqfd_unlink(struct vmm_irqfd *irqfd)
{
	if (irqfd->dead)
		return false;
	irqfd->dead = true;
	list_del(&irqfd->list);
	if (irqfd->resamplefd)
		irqfd->vm->nr_resamplefds--;
	return true;
}

/* The owner's teardown: unhooked, its work done, its line low, freed. */
static void irqfd_free(struct vmm_irqfd *irqfd, bool from_work)
{
	u64 cnt;

	eventfd_ctx_remove_wait_queue(irqfd->eventfd, &irqfd->wait, &cnt);
	if (!from_work)
		cancel_work_sync(&irqfd->shutdown);
	if (irqfd->resamplefd) {
		if (irqfd->gsi < VGIC_MAX_IRQS)
			vmm_vgic_inject(irqfd->vm, NULL, irqfd->gsi + VGIC_NR_PRIVATE, false);
		eventfd_ctx_put(irqfd->resamplefd);
	}
	eventfd_ctx_put(irqfd->eventfd);
	kfree(irqfd);
}

static void irqfd_shutdown(struct work_struct *work)
{
	struct vmm_irqfd *irqfd = container_of(work, struct vmm_irqfd, shutdown);
	struct vmm_vm *vm = irqfd->vm;
	bool own;

	mutex_lock(&vm->irqfd_mutex);
	spin_lock_irq(&vm->irqfd_lock);
	own = irqfd_unlink(irqfd);
	spin_unlock_irq(&vm->irqfd_lock);
	mutex_unlock(&vm->irqfd_mutex);
	if (own)
		irqfd_free(irqfd, true);
}

/* The eventfd's wake-up (its wait-queue lock held, interrupts off). */
static int irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct vmm_irqfd *irqfd = container_of(wait, struct vmm_irqfd, wait);
	__poll_t flags = key_to_poll(key);

	if (flags & EPOLLIN) {
		u64 cnt;

		eventfd_ctx_do_read(irqfd->eventfd, &cnt);
		irqfd_inject(irqfd);
	}
	/* the eventfd is going: detach, where sleeping is allowed */
	if (flags & EPOLLHUP)
		queue_work(irqfd_wq, &irqfd->shutdown);
	return 0;
}

static void irqfd_queue_proc(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct vmm_irqfd *irqfd = container_of(pt, struct vmm_irqfd, pt);

	add_wait_queue(wqh, &irqfd->wait);
}

static int irqfd_assign(struct vmm_vm *vm, const struct kvm_irqfd *args)
{
	struct vmm_irqfd *irqfd, *tmp;
	struct fd f;
	__poll_t events;
	int ret;

	if (!smp_load_acquire(&vm->vgic.initialised))
		return -EAGAIN;
	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;
	irqfd->vm = vm;
	irqfd->gsi = args->gsi;
	INIT_WORK(&irqfd->shutdown, irqfd_shutdown);
	f = fdget(args->fd);
	if (!f.file) {
		kfree(irqfd);
		return -EBADF;
	}
	irqfd->eventfd = eventfd_ctx_fileget(f.file);
	if (IS_ERR(irqfd->eventfd)) {
		ret = PTR_ERR(irqfd->eventfd);
		goto out_free;
	}
	if (args->flags & KVM_IRQFD_FLAG_RESAMPLE) {
		irqfd->resamplefd = eventfd_ctx_fdget(args->resamplefd);
		if (IS_ERR(irqfd->resamplefd)) {
			ret = PTR_ERR(irqfd->resamplefd);
			irqfd->resamplefd = NULL;
			goto out_put;
		}
	}
	init_waitqueue_func_entry(&irqfd->wait, irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, irqfd_queue_proc);

	mutex_lock(&vm->irqfd_mutex);
	spin_lock_irq(&vm->irqfd_lock);
	list_for_each_entry(tmp, &vm->irqfds, list) {
		if (tmp->eventfd == irqfd->eventfd) {
			spin_unlock_irq(&vm->irqfd_lock);
			mutex_unlock(&vm->irqfd_mutex);
			ret = -EBUSY;		/* this eventfd drives another already */
			goto out_put;
		}
	}
	list_add_tail(&irqfd->list, &vm->irqfds);
	if (irqfd->resamplefd)
		vm->nr_resamplefds++;
	spin_unlock_irq(&vm->irqfd_lock);

	/*
	 * Hooked on the eventfd; a signal that came before fires now (its
	 * count is left for the next wake-up to read, under the eventfd's
	 * lock, as KVM does).
	 */
	events = vfs_poll(f.file, &irqfd->pt);
	if (events & EPOLLIN)
		irqfd_inject(irqfd);
	mutex_unlock(&vm->irqfd_mutex);
	fdput(f);		/* only now: an EPOLLHUP finds it whole */
	return 0;

out_put:
	if (irqfd->resamplefd)
		eventfd_ctx_put(irqfd->resamplefd);
	eventfd_ctx_put(irqfd->eventfd);
out_free:
	fdput(f);
	kfree(irqfd);
	return ret;
}

/* Tear down every irqfd on @dead, each already unlinked by the caller. */
static void free_dead(struct list_head *dead)
{
	struct vmm_irqfd *irqfd, *tmp;

	list_for_each_entry_safe(irqfd, tmp, dead, dead_link)
		irqfd_free(irqfd, false);
}

static int irqfd_deassign(struct vmm_vm *vm, const struct kvm_irqfd *args)
{
	struct vmm_irqfd *irqfd, *tmp;
	struct eventfd_ctx *eventfd;
	LIST_HEAD(dead);

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	mutex_lock(&vm->irqfd_mutex);
	spin_lock_irq(&vm->irqfd_lock);
	list_for_each_entry_safe(irqfd, tmp, &vm->irqfds, list)
		if (irqfd->eventfd == eventfd && irqfd->gsi == args->gsi &&
		    irqfd_unlink(irqfd))
			list_add(&irqfd->dead_link, &dead);
	spin_unlock_irq(&vm->irqfd_lock);
	mutex_unlock(&vm->irqfd_mutex);
	eventfd_ctx_put(eventfd);
	free_dead(&dead);		/* none fires once this returns */
	return 0;
}

int vmm_irqfd(struct vmm_vm *vm, const struct kvm_irqfd *args)
{
	if (args->flags & ~(KVM_IRQFD_FLAG_DEASSIGN | KVM_IRQFD_FLAG_RESAMPLE))
		return -EINVAL;
	if (args->flags & KVM_IRQFD_FLAG_DEASSIGN)
		return irqfd_deassign(vm, args);
	return irqfd_assign(vm, args);
}

/*
 * The guest completed level-triggered SPI @intid (an EOI maintenance
 * exit, vgic.c): each resampling irqfd on it lowers the line and tells
 * its device, which raises it again if it still needs to.
 */
void vmm_irqfd_acked(struct vmm_vm *vm, u32 intid)
{
	struct vmm_irqfd *irqfd;
	unsigned long flags;

	/*
	 * The line goes low first: a device that raises it again as soon as
	 * it hears must find it low, or its interrupt is lost (KVM's order).
	 */
	spin_lock_irqsave(&vm->irqfd_lock, flags);
	list_for_each_entry(irqfd, &vm->irqfds, list) {
		if (irqfd->resamplefd && irqfd->gsi + VGIC_NR_PRIVATE == intid) {
			vmm_vgic_inject(vm, NULL, intid, false);
			break;
		}
	}
	list_for_each_entry(irqfd, &vm->irqfds, list)
		if (irqfd->resamplefd && irqfd->gsi + VGIC_NR_PRIVATE == intid)
			eventfd_signal(irqfd->resamplefd, 1);
	spin_unlock_irqrestore(&vm->irqfd_lock, flags);
}

/* The VM is dying: every irqfd goes, none left to fire. */
void vmm_irqfd_release_all(struct vmm_vm *vm)
{
	struct vmm_irqfd *irqfd, *tmp;
	LIST_HEAD(dead);

	mutex_lock(&vm->irqfd_mutex);
	spin_lock_irq(&vm->irqfd_lock);
	list_for_each_entry_safe(irqfd, tmp, &vm->irqfds, list)
		if (irqfd_unlink(irqfd))
			list_add(&irqfd->dead_link, &dead);
	spin_unlock_irq(&vm->irqfd_lock);
	mutex_unlock(&vm->irqfd_mutex);
	free_dead(&dead);
	/* and the works that took theirs off the list before this looked */
	flush_workqueue(irqfd_wq);
}
