// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - vmm.ko: registers /dev/vmm, which speaks the KVM ioctl API (the
 * numbers and structures of <linux/kvm.h>) so that one code path in a VMM
 * drives either this module or the kernel's KVM.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/cdev.h>
#include <linux/cpuhotplug.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/uidgid.h>
#include <linux/version.h>

#include <asm/cpufeature.h>
#include <asm/virt.h>

#include "vmm_drv.h"

static char *devname = "vmm";
module_param(devname, charp, 0444);
MODULE_PARM_DESC(devname, "name of the device under /dev (default vmm)");

/*
 * Who may open /dev/vmm.  A user who may open it may create VMs that pin
 * and lock memory charged to them (RLIMIT_MEMLOCK) and run code at EL1:
 * as /dev/kvm, root's alone unless the administrator says otherwise, here
 * or by udev (65-vmm.rules gives the kvm group 0660, as Debian's udev
 * does for /dev/kvm).  Read by devtmpfs when the node is made.
 */
static ushort dev_mode = 0600;
module_param(dev_mode, ushort, 0444);
MODULE_PARM_DESC(dev_mode, "permissions of the device node, octal (default 0600)");
static uint dev_group;
module_param(dev_group, uint, 0444);
MODULE_PARM_DESC(dev_group, "group ID owning the device node (default 0, root)");

atomic_t vmm_nr_vms = ATOMIC_INIT(0);
atomic_t vmm_nr_vcpus = ATOMIC_INIT(0);
atomic_t vmm_nr_pinned = ATOMIC_INIT(0);
atomic_t vmm_nr_locked = ATOMIC_INIT(0);

/* The host's mode, chosen once at load: is the kernel at EL1 (nVHE)? */
static bool nvhe_mode;
DEFINE_STATIC_KEY_FALSE(vmm_nvhe_key);

static int get_mode(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", nvhe_mode ? "nvhe" : "vhe");
}

static const struct kernel_param_ops mode_ops = { .get = get_mode };
module_param_cb(mode, &mode_ops, NULL, 0444);
MODULE_PARM_DESC(mode, "vhe (the kernel at EL2) or nvhe (EL2 the module's own) (read-only)");

static int get_el2_cpus(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(vmm_nvhe_cpus()));
}

static const struct kernel_param_ops el2_cpus_ops = { .get = get_el2_cpus };
module_param_cb(el2_cpus, &el2_cpus_ops, NULL, 0444);
MODULE_PARM_DESC(el2_cpus, "nVHE: the CPUs where the module's EL2 runs now (read-only)");

static int get_count(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(kp->arg));
}

static const struct kernel_param_ops count_ops = { .get = get_count };
module_param_cb(live_vms, &count_ops, &vmm_nr_vms, 0444);
MODULE_PARM_DESC(live_vms, "VMs alive now (read-only)");
module_param_cb(live_vcpus, &count_ops, &vmm_nr_vcpus, 0444);
MODULE_PARM_DESC(live_vcpus, "vCPUs alive now (read-only)");
module_param_cb(pinned_pages, &count_ops, &vmm_nr_pinned, 0444);
MODULE_PARM_DESC(pinned_pages, "guest pages pinned by stage 2 now (read-only)");
module_param_cb(locked_pages, &count_ops, &vmm_nr_locked, 0444);
MODULE_PARM_DESC(locked_pages, "pages charged to VM owners' locked_vm now (read-only)");

long vmm_check_extension(struct vmm_vm *vm, long cap)
{
	switch (cap) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_ONE_REG:
	case KVM_CAP_ARM_PSCI_0_2:
	case KVM_CAP_IMMEDIATE_EXIT:
	/*
	 * KVM_MEM_READONLY slots: stage 2 maps their pages without write
	 * permission, so reads and instruction fetches stay in the guest and
	 * a write's permission fault exits as MMIO (mmio.c, vmm_handle_abort).
	 */
	case KVM_CAP_READONLY_MEM:
	/* KVM_GET/SET_VCPU_EVENTS: virtual SErrors and external aborts */
	case KVM_CAP_VCPU_EVENTS:
	/* KVM_IOEVENTFD, length 0 included (eventfd.c) */
	case KVM_CAP_IOEVENTFD:
	case KVM_CAP_IOEVENTFD_ANY_LENGTH:
	case KVM_CAP_ARM_INJECT_EXT_DABT:
	/* KVM_IRQ_LINE's vCPU index in bits 31:28 too */
	case KVM_CAP_ARM_IRQ_LINE_LAYOUT_2:
		return 1;
	/* KVM_CREATE_DEVICE: a GICv3, where the host can give one (vgic-dev.c) */
	case KVM_CAP_DEVICE_CTRL:
	case KVM_CAP_IRQCHIP:
	/* KVM_IRQFD, and its resampling mode (irqfd.c) */
	case KVM_CAP_IRQFD:
	case KVM_CAP_IRQFD_RESAMPLE:
		return vmm_vgic_global.usable;
	case KVM_CAP_ARM_INJECT_SERROR_ESR:
		return cpus_have_const_cap(ARM64_HAS_RAS_EXTN);
	case KVM_CAP_NR_VCPUS:
		return min_t(long, num_online_cpus(), VMM_MAX_VCPUS);
	case KVM_CAP_MAX_VCPUS:
		return VMM_MAX_VCPUS;
	case KVM_CAP_NR_MEMSLOTS:
		return VMM_MAX_MEMSLOTS;
	case KVM_CAP_ARM_VM_IPA_SIZE:
		return VMM_DEFAULT_IPA_BITS;
	default:
		/* what we lack answers 0, as api.rst asks */
		return 0;
	}
}

static long vmm_dev_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	switch (cmd) {
	case KVM_GET_API_VERSION:
		return arg ? -EINVAL : KVM_API_VERSION;
	case KVM_CHECK_EXTENSION:
		return vmm_check_extension(NULL, arg);
	case KVM_CREATE_VM:
		return vmm_vm_create(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		return arg ? -EINVAL : VMM_RUN_SIZE;
	default:
		return -EINVAL;
	}
}

static const struct file_operations vmm_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vmm_dev_ioctl,
	.llseek		= noop_llseek,
};

/*
 * The device: a class of our own rather than a misc device, since only a
 * device type can give devtmpfs the node's group (misc devices set its
 * mode alone).  One minor.  The struct device is allocated, and freed by
 * its release, whenever the driver core lets go of it.
 */
static dev_t vmm_devt;
static struct cdev vmm_cdev;
static struct class *vmm_class;
static struct device *vmm_device;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
static char *vmm_devnode(const struct device *dev, umode_t *mode, kuid_t *uid, kgid_t *gid)
#else
static char *vmm_devnode(struct device *dev, umode_t *mode, kuid_t *uid, kgid_t *gid)
#endif
{
	if (mode)
		*mode = dev_mode;
	if (gid)
		*gid = KGIDT_INIT(dev_group);
	return NULL;
}

static const struct device_type vmm_device_type = {
	.name		= "vmm",
	.devnode	= vmm_devnode,
};

static void vmm_device_release(struct device *dev)
{
	kfree(dev);
}

/* dev_mode and dev_group, before anything is set up */
static int vmm_check_dev_params(void)
{
	/* devtmpfs reads a mode of 0 as "the default", 0600: not what was asked */
	if (!dev_mode || (dev_mode & ~0777)) {
		pr_err("dev_mode=%#o: give permission bits, 0001-0777\n", dev_mode);
		return -EINVAL;
	}
	if (!gid_valid(KGIDT_INIT(dev_group))) {
		pr_err("dev_group=%u is no group ID\n", dev_group);
		return -EINVAL;
	}
	return 0;
}

static int vmm_device_register(void)
{
	int ret;

	ret = alloc_chrdev_region(&vmm_devt, 0, 1, "vmm");
	if (ret)
		return ret;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	vmm_class = class_create("vmm");
#else
	vmm_class = class_create(THIS_MODULE, "vmm");
#endif
	if (IS_ERR(vmm_class)) {
		ret = PTR_ERR(vmm_class);
		goto out_region;
	}
	vmm_device = kzalloc(sizeof(*vmm_device), GFP_KERNEL);
	if (!vmm_device) {
		ret = -ENOMEM;
		goto out_class;
	}
	cdev_init(&vmm_cdev, &vmm_dev_fops);
	vmm_cdev.owner = THIS_MODULE;
	device_initialize(vmm_device);
	vmm_device->devt = vmm_devt;
	vmm_device->class = vmm_class;
	vmm_device->type = &vmm_device_type;
	vmm_device->release = vmm_device_release;
	ret = dev_set_name(vmm_device, "%s", devname);
	if (ret)
		goto out_put;
	/* the node appears only once the minor works */
	ret = cdev_device_add(&vmm_cdev, vmm_device);
	if (ret)
		goto out_put;
	return 0;

out_put:
	put_device(vmm_device);		/* frees it */
out_class:
	class_destroy(vmm_class);
out_region:
	unregister_chrdev_region(vmm_devt, 1);
	return ret;
}

static void vmm_device_unregister(void)
{
	cdev_device_del(&vmm_cdev, vmm_device);
	put_device(vmm_device);
	class_destroy(vmm_class);
	unregister_chrdev_region(vmm_devt, 1);
}

/* Each CPU's share of the interrupts the module takes, as CPUs come and go. */
static enum cpuhp_state cpuhp_state, el2_cpuhp_state;

static int vmm_cpu_online(unsigned int cpu)
{
	vmm_timer_cpu_up();
	vmm_vgic_cpu_up();
	return 0;
}

static int vmm_cpu_offline(unsigned int cpu)
{
	vmm_vgic_cpu_down();
	vmm_timer_cpu_down();
	return 0;
}

/*
 * At load, a CPU where EL2 cannot be taken fails the load.  Later, a
 * failed "starting" callback would keep the CPU from coming up at all:
 * it comes up without the module's EL2 instead (take_el2() said why),
 * and a vCPU entry there fails (KVM_EXIT_FAIL_ENTRY).
 */
static bool el2_taken_everywhere;

static int vmm_el2_online(unsigned int cpu)
{
	int ret = vmm_nvhe_cpu_up();

	return READ_ONCE(el2_taken_everywhere) ? 0 : ret;
}

static int vmm_el2_offline(unsigned int cpu)
{
	vmm_nvhe_cpu_down();
	return 0;
}

/*
 * An nVHE host: the module takes EL2 from the kernel's hyp stub on every
 * CPU (nvhe.c) before anything else needs it.
 */
static int __init vmm_take_el2(void)
{
	u64 pfr0 = read_sanitised_ftr_reg(SYS_ID_AA64PFR0_EL1);
	int ret;

	if (!((pfr0 >> 8) & 0xf)) {		/* ID_AA64PFR0_EL1.EL2 */
		pr_err("the CPUs have no EL2: vmm.ko needs a host with virtualization\n");
		return -ENODEV;
	}
	nvhe_mode = true;
	static_branch_enable(&vmm_nvhe_key);
	ret = vmm_nvhe_init();
	if (ret)
		return ret;
	/*
	 * EL2 is taken in the CPU-hotplug "starting" section, as KVM takes
	 * it (CPUHP_AP_KVM_STARTING, which the kernel's KVM leaves unused
	 * when it is off): on the incoming CPU, interrupts off, before any
	 * task can run there and call into EL2; given back at the same point
	 * going down, after every task has left.  A dynamic state would come
	 * too late and go too early: kworkers run on a CPU then.
	 */
	ret = cpuhp_setup_state(CPUHP_AP_KVM_STARTING, "vmm/el2:starting", vmm_el2_online,
				vmm_el2_offline);
	if (ret < 0) {
		vmm_nvhe_exit();
		return ret;
	}
	el2_cpuhp_state = CPUHP_AP_KVM_STARTING;
	WRITE_ONCE(el2_taken_everywhere, true);
	pr_info("nVHE host: EL2 taken from the hyp stub on CPUs %*pbl (its vectors at %#llx)\n",
		cpumask_pr_args(vmm_nvhe_cpus()), vmm_nvhe_stub_vectors());
	return 0;
}

static void vmm_give_el2_back(void)
{
	cpuhp_remove_state(el2_cpuhp_state);	/* the stub back on each CPU */
	vmm_nvhe_exit();
	pr_info("nVHE host: EL2 given back to the hyp stub\n");
}

static int __init vmm_init(void)
{
	int ret;

	ret = vmm_check_dev_params();
	if (ret)
		return ret;
	if (vmm_kernel_kvm_active()) {
		pr_err("the kernel's KVM owns EL2: boot with kvm-arm.mode=none to use vmm.ko\n");
		return -EBUSY;
	}
	/*
	 * is_hyp_mode_available() reads symbols modules cannot link to; the
	 * kernel's own EL tells VHE (EL2) from everything else.
	 */
	vmm_spectre_init();		/* before EL2 is taken: nVHE copies it there */
	if (!is_kernel_in_hyp_mode()) {
		ret = vmm_take_el2();
		if (ret)
			return ret;
	}
	ret = vmm_vmid_init();
	if (ret)
		goto out_el2;
	vmm_stage2_flush_all();		/* VMIDs start again from 1 */
	vmm_kick_init();
	ret = vmm_irqfd_init();
	if (ret)
		goto out_el2;
	vmm_timer_init_global();
	vmm_vgic_init_global();
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "vmm:online", vmm_cpu_online, vmm_cpu_offline);
	if (ret < 0)
		goto out_irqs;
	cpuhp_state = ret;
	preempt_notifier_inc();		/* vCPUs follow their threads (run.c) */
	ret = vmm_device_register();
	if (ret) {
		preempt_notifier_dec();
		pr_err("cannot register /dev/%s: %d\n", devname, ret);
		cpuhp_remove_state(cpuhp_state);
		goto out_irqs;
	}
	pr_info("%s host: /dev/%s (mode %04o, group %u) ready%s\n", nvhe_mode ? "nVHE" : "VHE",
		devname, dev_mode, dev_group,
		vmm_vgic_global.usable ? ", with an in-kernel GICv3" : "");
	return 0;

out_irqs:
	vmm_vgic_exit_global();
	vmm_timer_exit_global();
	vmm_irqfd_exit();
out_el2:
	if (nvhe_mode)
		vmm_give_el2_back();
	return ret;
}

static void __exit vmm_exit(void)
{
	/* no VM is left (each holds the module), so nothing may be either */
	WARN(atomic_read(&vmm_nr_pinned) || atomic_read(&vmm_nr_locked),
	     "vmm: unloading with %d pages pinned and %d charged to locked_vm\n",
	     atomic_read(&vmm_nr_pinned), atomic_read(&vmm_nr_locked));
	vmm_device_unregister();
	preempt_notifier_dec();
	cpuhp_remove_state(cpuhp_state);
	vmm_vgic_exit_global();
	vmm_timer_exit_global();
	vmm_irqfd_exit();
	vmm_kick_exit();
	vmm_stage2_flush_all();		/* nothing of our guests stays behind */
	if (nvhe_mode)
		vmm_give_el2_back();
}

module_init(vmm_init);
module_exit(vmm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmm: an arm64 hypervisor speaking the KVM API on /dev/vmm");
