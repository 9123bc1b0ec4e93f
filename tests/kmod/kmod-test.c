// SPDX-License-Identifier: GPL-2.0
/*
 * kmod-test.c - drive a KVM-API device (/dev/vmm) through VM and vCPU
 * lifetimes and its error paths, in the test bed:
 *     kmod-test DEVICE VMS VCPUS
 * creates and destroys VMS VMs of VCPUS vCPUs each.  Prints "FAIL: <why>"
 * and exits 1 on the first surprise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#define RAM_BASE	0x80000000ULL
#define RAM_SIZE	(64ULL << 20)

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

/* ioctl that must fail with @err */
static void expect_errno(int fd, unsigned long cmd, void *arg, int err, const char *what)
{
	if (ioctl(fd, cmd, arg) != -1 || errno != err)
		fail("%s: expected %s, got %s", what, strerror(err), strerror(errno));
}

static void one_vm(int sys, unsigned int nr_vcpus, void *ram, size_t run_size)
{
	struct kvm_userspace_memory_region r = {
		.slot = 0, .guest_phys_addr = RAM_BASE, .memory_size = RAM_SIZE,
		.userspace_addr = (unsigned long)ram,
	};
	struct kvm_vcpu_init init;
	int vm, vcpu[64];
	unsigned int i;

	vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (vm < 0)
		fail("KVM_CREATE_VM: %s", strerror(errno));
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r))
		fail("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	r.slot = 1;
	r.guest_phys_addr += RAM_SIZE / 2;
	expect_errno(vm, KVM_SET_USER_MEMORY_REGION, &r, EEXIST, "an overlapping memslot");
	r.slot = 9999;
	expect_errno(vm, KVM_SET_USER_MEMORY_REGION, &r, EINVAL, "memslot 9999");
	r.slot = 2;
	r.guest_phys_addr = 1ULL << 41;
	expect_errno(vm, KVM_SET_USER_MEMORY_REGION, &r, EINVAL, "a memslot beyond the IPA space");
	/* delete and re-add slot 0; a second add over it is refused */
	r.slot = 0;
	r.memory_size = 0;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r))
		fail("deleting memslot 0: %s", strerror(errno));
	r.guest_phys_addr = RAM_BASE;
	r.memory_size = RAM_SIZE;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r))
		fail("re-adding memslot 0: %s", strerror(errno));
	expect_errno(vm, KVM_SET_USER_MEMORY_REGION, &r, EEXIST, "changing a live memslot");
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init))
		fail("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));

	for (i = 0; i < nr_vcpus; i++) {
		struct kvm_one_reg reg;
		unsigned long long mpidr, pc = RAM_BASE + i, got = 0;
		struct kvm_run *run;

		vcpu[i] = ioctl(vm, KVM_CREATE_VCPU, i);
		if (vcpu[i] < 0)
			fail("KVM_CREATE_VCPU %u: %s", i, strerror(errno));
		reg.id = ARM64_SYS_REG(3, 0, 0, 0, 5);
		reg.addr = (unsigned long)&mpidr;
		expect_errno(vcpu[i], KVM_GET_ONE_REG, &reg, ENOEXEC, "ONE_REG before VCPU_INIT");
		init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
		if (i)
			init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
		if (ioctl(vcpu[i], KVM_ARM_VCPU_INIT, &init))
			fail("KVM_ARM_VCPU_INIT: %s", strerror(errno));
		if (ioctl(vcpu[i], KVM_GET_ONE_REG, &reg))
			fail("KVM_GET_ONE_REG MPIDR_EL1: %s", strerror(errno));
		if (mpidr != (0x80000000ULL | (i & 0xf) | ((i >> 4) & 0xff) << 8))
			fail("vcpu %u: MPIDR_EL1 0x%llx", i, mpidr);
		reg.id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
			 KVM_REG_ARM_CORE_REG(regs.pc);
		reg.addr = (unsigned long)&pc;
		if (ioctl(vcpu[i], KVM_SET_ONE_REG, &reg))
			fail("KVM_SET_ONE_REG pc: %s", strerror(errno));
		reg.addr = (unsigned long)&got;
		if (ioctl(vcpu[i], KVM_GET_ONE_REG, &reg) || got != pc)
			fail("pc read back 0x%llx, wrote 0x%llx", got, pc);
		reg.id = KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE |
			 KVM_REG_ARM_CORE_REG(regs.pc);
		expect_errno(vcpu[i], KVM_GET_ONE_REG, &reg, ENOENT, "pc read with the wrong size");
		/* a PSTATE naming EL2 would eret into the host's level */
		pc = 0x3c9;			/* EL2h, DAIF masked */
		reg.id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
			 KVM_REG_ARM_CORE_REG(regs.pstate);
		reg.addr = (unsigned long)&pc;
		expect_errno(vcpu[i], KVM_SET_ONE_REG, &reg, EINVAL, "PSTATE EL2h");
		/* an EL1 system register round trip: VBAR_EL1 */
		pc = 0x80001800;
		reg.id = ARM64_SYS_REG(3, 0, 12, 0, 0);
		if (ioctl(vcpu[i], KVM_SET_ONE_REG, &reg))
			fail("KVM_SET_ONE_REG VBAR_EL1: %s", strerror(errno));
		reg.addr = (unsigned long)&got;
		if (ioctl(vcpu[i], KVM_GET_ONE_REG, &reg) || got != 0x80001800)
			fail("VBAR_EL1 read back 0x%llx", got);
		reg.id = ARM64_SYS_REG(3, 4, 1, 1, 0);	/* HCR_EL2: not a guest's */
		expect_errno(vcpu[i], KVM_GET_ONE_REG, &reg, ENOENT, "ONE_REG of HCR_EL2");
		run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu[i], 0);
		if (run == MAP_FAILED)
			fail("mmap of kvm_run: %s", strerror(errno));
		run->immediate_exit = 1;
		expect_errno(vcpu[i], KVM_RUN, NULL, EINTR, "KVM_RUN with immediate_exit");
		munmap(run, run_size);
	}
	expect_errno(vm, KVM_CREATE_VCPU, (void *)0UL, EEXIST, "a second vCPU 0");
	expect_errno(vm, KVM_CREATE_VCPU, (void *)100000UL, EINVAL, "vCPU 100000");
	for (i = 0; i < nr_vcpus; i++)
		close(vcpu[i]);
	close(vm);
}

int main(int argc, char **argv)
{
	unsigned int vms, vcpus, i;
	size_t run_size;
	void *ram;
	int sys;

	if (argc != 4)
		fail("usage: kmod-test DEVICE VMS VCPUS");
	vms = atoi(argv[2]);
	vcpus = atoi(argv[3]);
	if (vcpus > 64)
		fail("at most 64 vCPUs");
	sys = open(argv[1], O_RDWR | O_CLOEXEC);
	if (sys < 0)
		fail("%s: %s", argv[1], strerror(errno));
	if (ioctl(sys, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		fail("KVM_GET_API_VERSION is not %d", KVM_API_VERSION);
	if (ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PSCI_0_2) != 1)
		fail("KVM_CAP_ARM_PSCI_0_2 not reported");
	if (ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_ARM_NISV_TO_USER) != 0)
		fail("a capability it lacks must answer 0");
	run_size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	expect_errno(sys, KVM_CREATE_VM, (void *)(1UL << 20), EINVAL, "a bad VM type");
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	for (i = 0; i < vms; i++)
		one_vm(sys, vcpus, ram, run_size);
	close(sys);
	printf("kmod-test: %u VMs of %u vCPUs created and destroyed\n", vms, vcpus);
	return 0;
}
