// SPDX-License-Identifier: GPL-2.0
/*
 * vm.c - a VM's life: open the hypervisor, create the VM, its RAM, vCPUs and
 * devices, load the kernel, run one thread per vCPU, and stop cleanly.
 *
 * Threads: the main thread runs the main loop (loop.c: console input,
 * signals, and what devices register) and the teardown; each vCPU thread
 * runs KVM_RUN and completes MMIO exits; devices may own threads of their
 * own (a virtio-blk disk's I/O thread).  Any thread may
 * ask for the end with vm__stop(); the main thread then kicks every vCPU out
 * of the guest (immediate_exit + SIGUSR1) and joins it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/epoll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <libfdt.h>
#include <linux/kvm.h>

#include <vmm/layout.h>
#include "gdb.h"
#include "seccomp.h"

#define KICK_SIGNAL		SIGUSR1
#define KVM_API_VERSION_OK	12

/* The default kernel parameters, by console device. */
static const char *const default_params[] = {
	[CONSOLE_SERIAL]	= "console=ttyS0 earlycon panic=-1",
	[CONSOLE_VIRTIO]	= "console=hvc0 panic=-1",
};

u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void vm__stop(struct vm *vm, int status)
{
	u64 one = 1;
	bool first;

	pthread_mutex_lock(&vm->stop_lock);
	first = !vm->stopping;
	if (first) {
		vm->status = status;
		vm->stop_ns = monotonic_ns();
		__atomic_store_n(&vm->stopping, true, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&vm->stop_lock);
	if (first && write(vm->wake_fd, &one, sizeof(one)) < 0)
		pr_debug("waking the main loop: %s", strerror(errno));
	/* parked vCPUs see the stop too */
	pthread_mutex_lock(&vm->pause_lock);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
}

/* ---- vCPU threads -------------------------------------------------------- */

static void kick_handler(int sig __unused)
{
	/* Only interrupts KVM_RUN (EINTR); immediate_exit covers the race. */
}

static void handle_system_event(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	switch (run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		pr_info("vcpu %u: the guest powered off", vcpu->id);
		vm__stop(vcpu->vm, VMM_EXIT_POWEROFF);
		break;
	case KVM_SYSTEM_EVENT_RESET:
		pr_info("vcpu %u: the guest asked for a reset", vcpu->id);
		vm__stop(vcpu->vm, VMM_EXIT_RESET);
		break;
	case KVM_SYSTEM_EVENT_CRASH:
		pr_err("vcpu %u: the hypervisor reports a guest crash", vcpu->id);
		vm__stop(vcpu->vm, VMM_EXIT_CRASH);
		break;
	default:
		pr_warn("vcpu %u: ignoring system event %u", vcpu->id,
			run->system_event.type);
	}
}

static void count(u64 *counter, u64 n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

/* Handle one exit; false when the vCPU must stop. */
static bool handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		count(&vcpu->stat.mmio, 1);
		if (run->mmio.len > sizeof(run->mmio.data)) {
			pr_err("vcpu %u: MMIO access of %u bytes", vcpu->id, run->mmio.len);
			return false;
		}
		mmio_bus__access(&vcpu->vm->bus, run->mmio.phys_addr,
				 run->mmio.data, run->mmio.len,
				 run->mmio.is_write);
		return true;
	case KVM_EXIT_SYSTEM_EVENT:
		count(&vcpu->stat.system, 1);
		handle_system_event(vcpu);
		return !vm__stopping(vcpu->vm);
	case KVM_EXIT_INTR:
		count(&vcpu->stat.intr, 1);
		return true;
	case KVM_EXIT_DEBUG:
		if (vcpu->vm->gdb) {
			count(&vcpu->stat.debug, 1);
			gdb__vcpu_exit(vcpu, run->debug.arch.hsr, run->debug.arch.far);
			return true;
		}
		pr_err("vcpu %u: a debug exit (ESR 0x%x) with no debugger", vcpu->id,
		       run->debug.arch.hsr);
		break;
	case KVM_EXIT_ARM_NISV:
		pr_err("vcpu %u: the guest accessed MMIO at 0x%llx with an instruction the hypervisor cannot decode",
		       vcpu->id, (unsigned long long)run->arm_nisv.fault_ipa);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		pr_err("vcpu %u: the hypervisor could not enter the guest (reason 0x%llx)",
		       vcpu->id, (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		pr_err("vcpu %u: hypervisor internal error %u", vcpu->id,
		       run->internal.suberror);
		break;
	default:
		pr_err("vcpu %u: unexpected exit reason %u", vcpu->id, run->exit_reason);
		break;
	}
	vm__stop(vcpu->vm, VMM_EXIT_ERROR);
	return false;
}

/*
 * Out of the guest until vm__resume() (or a stop) and, while a debugger
 * holds it, until it lets go: the thread says it is parked, and the pauser
 * reads registers and the counter meanwhile.
 */
static bool held(struct vcpu *vcpu)
{
	return __atomic_load_n(&vcpu->gdb_held, __ATOMIC_ACQUIRE);
}

static void park(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	pthread_mutex_lock(&vm->pause_lock);
	vm->parked++;
	pthread_cond_broadcast(&vm->pause_cond);
	while ((vm->paused || vcpu->gdb_held) && !vm__stopping(vm))
		pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
	vm->parked--;
	pthread_mutex_unlock(&vm->pause_lock);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;
	bool mmio_done = false;
	sigset_t kick;
	char name[16];
	u64 t0;
	int ret;

	snprintf(name, sizeof(name), "vcpu%u", vcpu->id);
	pthread_setname_np(pthread_self(), name);
	sigemptyset(&kick);
	sigaddset(&kick, KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	if (sandbox__enter(SANDBOX_VCPU, name)) {
		vm__stop(vm, VMM_EXIT_ERROR);
		goto out;
	}
	/* the sandbox's own test: a call no filter allows */
	if (vm->cfg->forbidden_syscall && vcpu->id == 0)
		syscall(__NR_acct, NULL);

	for (;;) {
		/*
		 * A kick's immediate_exit is spent once the flags are read
		 * after it: cleared first, then a full fence (kick_vcpus()
		 * stores it sequentially consistent after setting the flag),
		 * so a kick is seen either here or by KVM_RUN, and a pause
		 * that gave up leaves no vCPU returning EINTR forever.
		 */
		__atomic_store_n(&vcpu->run->immediate_exit, 0, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (vm__stopping(vm))
			break;
		if (vm__paused(vm) || held(vcpu)) {
			/*
			 * An MMIO read's data reach the guest's register, and
			 * its PC moves on, only at the next KVM_RUN (api.rst):
			 * enter once, not to run, so that what the pauser
			 * reads and writes is the guest's whole state.
			 */
			if (mmio_done) {
				__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_RELAXED);
				ioctl(vcpu->fd, KVM_RUN, 0);
				__atomic_store_n(&vcpu->run->immediate_exit, 0, __ATOMIC_RELAXED);
				mmio_done = false;
			}
			park(vcpu);
			continue;
		}
		t0 = monotonic_ns();
		ret = ioctl(vcpu->fd, KVM_RUN, 0);
		count(&vcpu->stat.guest_ns, monotonic_ns() - t0);
		if (ret < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				count(&vcpu->stat.intr, 1);
				continue;
			}
			pr_err("vcpu %u: KVM_RUN: %s%s", vcpu->id, strerror(errno),
			       errno == ENOSYS ? " (an MMIO access the hypervisor cannot decode?)" :
			       errno == ENOMEM ? " (vmm.ko counts guest RAM as locked memory: raise 'ulimit -l' or give CAP_IPC_LOCK)" : "");
			vm__stop(vcpu->vm, VMM_EXIT_ERROR);
			break;
		}
		if (!handle_exit(vcpu))
			break;
		mmio_done = vcpu->run->exit_reason == KVM_EXIT_MMIO;
	}
out:
	pthread_mutex_lock(&vm->pause_lock);
	vm->alive--;
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
	return NULL;
}

static void kick_vcpus(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		if (!vm->vcpus[i].started)
			continue;
		__atomic_store_n(&vm->vcpus[i].run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(vm->vcpus[i].thread, KICK_SIGNAL);
	}
}

/* ---- pausing ----------------------------------------------------------------- */

bool vm__paused(struct vm *vm)
{
	return __atomic_load_n(&vm->paused, __ATOMIC_ACQUIRE);
}

int vm__pause(struct vm *vm)
{
	struct timespec deadline;
	bool all;
	int ret;

	pthread_mutex_lock(&vm->pause_lock);
	if (vm->paused) {
		pthread_mutex_unlock(&vm->pause_lock);
		return 0;
	}
	__atomic_store_n(&vm->paused, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->pause_lock);
	kick_vcpus(vm);

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += 5;
	pthread_mutex_lock(&vm->pause_lock);
	while (vm->parked < vm->alive && !vm__stopping(vm))
		if (pthread_cond_timedwait(&vm->pause_cond, &vm->pause_lock, &deadline))
			break;
	all = vm->parked == vm->alive;
	pthread_mutex_unlock(&vm->pause_lock);
	if (vm__stopping(vm) || !all) {
		ret = vm__stopping(vm) ? -ESHUTDOWN : -ETIMEDOUT;
		vm__resume(vm);
		return ret;
	}
	/*
	 * The guest's time stands still while it is paused (as QEMU's for
	 * KVM/arm64): its virtual counter is read now and written back at
	 * resume, so that no timer, watchdog or clocksource sees the pause.
	 */
	vm->cnt_saved = vm->nr_vcpus && !vcpu_arch__get_counter(&vm->vcpus[0], &vm->paused_cnt);
	if (!vm->cnt_saved)
		pr_warn("pausing: the guest's counter cannot be read: its time runs on while paused");
	return 0;
}

const char *vm__pause_error(int err)
{
	return err == -ETIMEDOUT ? "a vCPU did not leave the guest in 5 s" :
	       err == -ESHUTDOWN ? "the VM is stopping" : strerror(-err);
}

void vm__resume(struct vm *vm)
{
	if (vm->cnt_saved && vcpu_arch__set_counter(&vm->vcpus[0], vm->paused_cnt))
		pr_warn("resuming: the guest's counter could not be set back: its time jumped");
	vm->cnt_saved = false;
	pthread_mutex_lock(&vm->pause_lock);
	__atomic_store_n(&vm->paused, false, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
}

int vm__regs(struct vm *vm, struct vcpu_regs *regs)
{
	unsigned int i;
	int ret;

	if (!vm__paused(vm))
		return -EBUSY;
	for (i = 0; i < vm->nr_vcpus; i++) {
		ret = vcpu_arch__get_regs(&vm->vcpus[i], &regs[i]);
		if (ret)
			return ret;
	}
	return 0;
}

void vcpu_regs__print(FILE *f, unsigned int id, const struct vcpu_regs *r)
{
	static const char *const modes[16] = {
		[0] = "EL0t", [4] = "EL1t", [5] = "EL1h", [8] = "EL2t", [9] = "EL2h",
	};
	const char *mode = modes[r->pstate & 0xf];
	unsigned int i;

	fprintf(f, "vcpu %u: pc 0x%016" PRIx64 " pstate 0x%08" PRIx64 " (%s%s)\n", id, r->pc,
		r->pstate, r->pstate & 0x10 ? "AArch32" : mode ? mode : "?",
		r->pstate & 0x80 ? ", IRQs masked" : "");
	fprintf(f, "vcpu %u: esr_el1 0x%016" PRIx64 " far_el1 0x%016" PRIx64 "\n", id,
		r->esr_el1, r->far_el1);
	fprintf(f, "vcpu %u: elr_el1 0x%016" PRIx64 " spsr_el1 0x%016" PRIx64 "\n", id,
		r->elr_el1, r->spsr_el1);
	fprintf(f, "vcpu %u: sp_el0 0x%016" PRIx64 " sp_el1 0x%016" PRIx64 "\n", id,
		r->sp_el0, r->sp_el1);
	for (i = 0; i < 31; i += 4) {
		fprintf(f, "vcpu %u:", id);
		for (unsigned int j = i; j < i + 4 && j < 31; j++)
			fprintf(f, " x%-2u 0x%016" PRIx64, j, r->x[j]);
		fputc('\n', f);
	}
}

/* ---- the main loop's own events: signals and stop requests ------------- */

struct signal_source {
	struct vm	*vm;
	int		fd;
};

static void on_signal(void *opaque, u32 events __unused)
{
	struct signal_source *src = opaque;
	struct signalfd_siginfo si;

	if (read(src->fd, &si, sizeof(si)) != sizeof(si))
		return;
	pr_info("stopping the guest on signal %u", si.ssi_signo);
	vm__stop(src->vm, VMM_EXIT_SIGNAL + (int)si.ssi_signo);
}

static void on_wake(void *opaque, u32 events __unused)
{
	struct vm *vm = opaque;
	u64 n;

	/* vm__stop() woke us: the loop condition sees the stop */
	if (read(vm->wake_fd, &n, sizeof(n)) < 0)
		return;
}

/* --timeout ran out: every vCPU's registers to stderr, then the stop. */
static void on_timeout(void *opaque, u32 events __unused)
{
	struct vm *vm = opaque;
	struct vcpu_regs *regs = calloc(vm->nr_vcpus, sizeof(*regs));
	unsigned int i;
	u64 n;
	int ret;

	if (read(vm->timeout_fd, &n, sizeof(n)) < 0)
		return;
	pr_err("--timeout: the guest ran for %.1f s: stopping it; its vCPUs were at:",
	       vm->cfg->timeout_ns / 1e9);
	ret = regs ? vm__pause(vm) : -ENOMEM;
	if (!ret)
		ret = vm__regs(vm, regs);
	if (ret)
		pr_err("--timeout: the vCPUs' registers cannot be read: %s",
		       vm__pause_error(ret));
	for (i = 0; !ret && i < vm->nr_vcpus; i++)
		vcpu_regs__print(stderr, i, &regs[i]);
	free(regs);
	vm__stop(vm, VMM_EXIT_TIMEOUT);
}

/* The --timeout watchdog, counting from now. */
static int start_timeout(struct vm *vm)
{
	struct itimerspec its = {
		.it_value.tv_sec = vm->cfg->timeout_ns / 1000000000,
		.it_value.tv_nsec = vm->cfg->timeout_ns % 1000000000,
	};
	int ret;

	vm->timeout_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	ret = vm->timeout_fd < 0 || timerfd_settime(vm->timeout_fd, 0, &its, NULL) ? -errno :
	      loop__add(&vm->loop, vm->timeout_fd, EPOLLIN, on_timeout, vm);
	if (ret)
		pr_err("--timeout: %s", strerror(-ret));
	return ret;
}

static void main_loop(struct vm *vm)
{
	int ret;

	while (!vm__stopping(vm)) {
		ret = loop__run_once(&vm->loop, -1);
		if (ret < 0) {
			pr_err("epoll_wait: %s", strerror(-ret));
			vm__stop(vm, VMM_EXIT_ERROR);
		}
	}
}

/* ---- setup --------------------------------------------------------------- */

static int open_hypervisor(struct vm *vm)
{
	const char *path = vm->cfg->kvm_dev;
	int version;

	if (!path)
		path = access("/dev/vmm", F_OK) == 0 ? "/dev/vmm" : "/dev/kvm";
	vm->dev_path = path;
	vm->sys_fd = open(path, O_RDWR | O_CLOEXEC);
	if (vm->sys_fd < 0) {
		int err = errno;

		if (err == ENOENT)
			pr_err("%s: no such device: this host has no KVM (or load vmm.ko; see --kvm-dev)",
			       path);
		else if (err == EACCES || err == EPERM)
			pr_err("%s: permission denied: run as root or join the group that owns it",
			       path);
		else
			pr_err("%s: %s", path, strerror(err));
		return -err;
	}
	version = ioctl(vm->sys_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION_OK) {
		pr_err("%s: not a KVM device (API version %d, expected %d)", path,
		       version, KVM_API_VERSION_OK);
		return -ENODEV;
	}
	pr_info("hypervisor: %s", path);
	return 0;
}

static int check_caps(struct vm *vm)
{
	static const struct { int cap; const char *name; } need[] = {
		{ KVM_CAP_USER_MEMORY,		"KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_ONE_REG,		"KVM_CAP_ONE_REG" },
		{ KVM_CAP_ARM_PSCI_0_2,		"KVM_CAP_ARM_PSCI_0_2" },
		{ KVM_CAP_IMMEDIATE_EXIT,	"KVM_CAP_IMMEDIATE_EXIT" },
	};
	unsigned int i;
	int max;

	for (i = 0; i < ARRAY_SIZE(need); i++) {
		if (ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, need[i].cap) <= 0) {
			pr_err("%s: the hypervisor lacks %s", vm->dev_path, need[i].name);
			return -ENOTSUP;
		}
	}
	max = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max <= 0)
		max = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	if (max <= 0)
		max = 4;	/* api.rst: assume 4 if neither is reported */
	if (vm->cfg->nr_cpus > (unsigned int)max) {
		pr_err("--cpus %u: the hypervisor allows at most %d vCPUs",
		       vm->cfg->nr_cpus, max);
		return -EINVAL;
	}
	/* virtio notifications and interrupts bypass the vCPU threads */
	vm->has_ioeventfd = !vm->cfg->no_eventfd &&
		ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_IOEVENTFD) > 0;
	vm->has_irqfd = !vm->cfg->no_eventfd &&
		ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD) > 0;
	if (vm->cfg->pmu &&
	    ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3) <= 0) {
		pr_err("--pmu: the hypervisor offers no vCPU PMU on this host");
		return -ENOTSUP;
	}
	return 0;
}

static int setup_memory(struct vm *vm)
{
	size_t size = vm->cfg->mem_size, head;
	char *map;
	int ret;

	vm->ram_base = LAYOUT_RAM_BASE;
	vm->ram_size = size;
	/*
	 * 2 MiB aligned, and transparent huge pages asked for: the hypervisor
	 * maps stage 2 with 2 MiB blocks only where host-virtual and
	 * guest-physical addresses agree modulo 2 MiB and the host page is
	 * huge (KVM's user_mem_abort).  Otherwise every 4K page the guest
	 * touches is a stage-2 fault.  Map 2 MiB more and trim both ends.
	 */
	map = mmap(NULL, size + SZ_2M, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED) {
		pr_err("--mem: cannot reserve %" PRIu64 " MiB of guest RAM: %s",
		       vm->ram_size >> 20, strerror(errno));
		return -ENOMEM;
	}
	head = ALIGN_UP((uintptr_t)map, SZ_2M) - (uintptr_t)map;
	if (head)
		munmap(map, head);
	munmap(map + head + size, SZ_2M - head);
	vm->ram = map + head;
	/*
	 * Not MADV_MERGEABLE (lkvm asks for it): pages KSM merges across VMs
	 * are a side channel between guests and a target for bit flips.
	 */
	madvise(vm->ram, size, MADV_HUGEPAGE);
	/* a helper the vmm forks (passt) neither copies nor is charged for it */
	madvise(vm->ram, size, MADV_DONTFORK);
	ret = vm__set_memslot(vm, MEMSLOT_RAM, vm->ram_base, size, vm->ram, false);
	if (ret)
		pr_err("KVM_SET_USER_MEMORY_REGION: %s", strerror(-ret));
	return ret;
}

static int create_vcpus(struct vm *vm)
{
	unsigned int i;

	vm->vcpus = calloc(vm->nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -ENOMEM;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];

		vcpu->vm = vm;
		vcpu->id = i;
		vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, i);
		if (vcpu->fd < 0) {
			pr_err("vcpu %u: KVM_CREATE_VCPU: %s", i, strerror(errno));
			return -errno;
		}
		vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, vcpu->fd, 0);
		if (vcpu->run == MAP_FAILED) {
			vcpu->run = NULL;
			pr_err("vcpu %u: mapping kvm_run: %s", i, strerror(errno));
			return -errno;
		}
		if (vcpu_arch__init(vcpu))
			return -EINVAL;
	}
	return 0;
}

static void destroy_vcpus(struct vm *vm)
{
	unsigned int i;

	if (!vm->vcpus)
		return;
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].run)
			munmap(vm->vcpus[i].run, vm->run_size);
		if (vm->vcpus[i].fd > 0)
			close(vm->vcpus[i].fd);
	}
	free(vm->vcpus);
}

static int build_dtb(struct vm *vm, struct device_inst *dev, unsigned int nr_dev,
		     void *dtb)
{
	const struct vm_config *cfg = vm->cfg;
	u8 seed[72];
	char *bootargs;
	int ret;

	if (getrandom(seed, sizeof(seed), 0) != sizeof(seed)) {
		pr_err("getrandom: %s", strerror(errno));
		return -EIO;
	}
	if (asprintf(&bootargs, "%s%s%s",
		     cfg->nodefaults ? "" : default_params[cfg->console],
		     cfg->params && !cfg->nodefaults ? " " : "",
		     cfg->params ? cfg->params : "") < 0)
		return -ENOMEM;
	ret = fdt__build(vm, dev, nr_dev, bootargs, seed, dtb);
	free(bootargs);
	if (ret)
		pr_err("building the device tree: %s%s", strerror(-ret),
		       ret == -ENOSPC ? " (kernel parameters too long?)" : "");
	return ret;
}

static int dump_dtb(const char *path, const void *dtb)
{
	size_t size = fdt_totalsize(dtb);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, dtb, size) != (ssize_t)size) {
		pr_err("--dump-dtb %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (close(fd)) {
		pr_err("--dump-dtb %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Copy the DTB to its place in RAM; booting.rst bounds it to 2 MiB. */
static int place_dtb(struct vm *vm, const void *dtb)
{
	u32 size = fdt_totalsize(dtb);
	void *dst = guest_ptr(vm, vm->boot.dtb, size);

	if (size > SZ_2M || !dst) {
		pr_err("the device tree (%u bytes) does not fit in RAM at 0x%" PRIx64 "%s",
		       size, vm->boot.dtb, size > SZ_2M ? ": booting.rst allows 2 MiB" : "");
		return -1;
	}
	memcpy(dst, dtb, size);
	return 0;
}

static int start_vcpus(struct vm *vm)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vm->nr_vcpus; i++) {
		pthread_mutex_lock(&vm->pause_lock);
		vm->alive++;
		pthread_mutex_unlock(&vm->pause_lock);
		ret = pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread,
				     &vm->vcpus[i]);
		if (ret) {
			pthread_mutex_lock(&vm->pause_lock);
			vm->alive--;
			pthread_mutex_unlock(&vm->pause_lock);
			pr_err("vcpu %u: cannot start its thread: %s", i, strerror(ret));
			return -ret;
		}
		vm->vcpus[i].started = true;
	}
	return 0;
}

/* Signals: INT/TERM/HUP arrive through a signalfd; the kick signal only
 * interrupts vCPU threads. */
static int setup_signals(sigset_t *old)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &set, old);
	sigaction(KICK_SIGNAL, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigdelset(&set, KICK_SIGNAL);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

int vm__run(struct vm_config *cfg)
{
	struct device_inst dev[VM_MAX_DEVICES];
	unsigned int nr_dev = 0, i;
	struct vm vm_storage = { 0 }, *vm = &vm_storage;
	static u8 dtb_buf[FDT_MAX_SIZE];
	void *dtb = dtb_buf, *user_dtb = NULL;
	int status = VMM_EXIT_ERROR, type;
	struct signal_source sig = { .vm = vm, .fd = -1 };
	pthread_condattr_t cattr;
	sigset_t old_mask;
	bool masked = false;

	vm->cfg = cfg;
	vm->start_ns = monotonic_ns();
	vm->sys_fd = vm->vm_fd = vm->gic_fd = vm->timeout_fd = -1;
	vm->nr_vcpus = cfg->nr_cpus;
	vm->next_spi = GIC_SPI_BASE;
	vm->irq_line = vm__irq_line;
	vm->signal_msi = vm__signal_msi;
	vm->next_virtio_mmio = LAYOUT_VIRTIO_MMIO_BASE;
	pthread_mutex_init(&vm->stop_lock, NULL);
	pthread_mutex_init(&vm->pause_lock, NULL);
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);	/* the 5 s of a pause */
	pthread_cond_init(&vm->pause_cond, &cattr);
	pthread_condattr_destroy(&cattr);
	/* device threads started during setup wait for its end (sandbox.c) */
	sandbox__gate_close();
	mmio_bus__init(&vm->bus);
	pci__init(&vm->pci);
	console__init(&vm->console, STDIN_FILENO, STDOUT_FILENO);
	if (loop__init(&vm->loop)) {
		pr_err("epoll_create1: %s", strerror(errno));
		return VMM_EXIT_ERROR;
	}

	vm->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->wake_fd < 0 ||
	    loop__add(&vm->loop, vm->wake_fd, EPOLLIN, on_wake, vm)) {
		pr_err("eventfd: %s", strerror(errno));
		goto out;
	}
	if (open_hypervisor(vm) || check_caps(vm))
		goto out;
	/* before anything slow: another VM of this name is an error at once */
	if (!cfg->dump_dtb && control__open(vm))
		goto out;
	/* truncated only once the name is this VM's */
	if (cfg->console_log) {
		vm->console.log_fd = open(cfg->console_log, O_WRONLY | O_CREAT | O_TRUNC |
					  O_NOCTTY | O_CLOEXEC, 0644);
		if (vm->console.log_fd < 0) {
			pr_err("--console-log %s: %s", cfg->console_log, strerror(errno));
			goto out;
		}
	}
	vm->run_size = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if ((ssize_t)vm->run_size < (ssize_t)sizeof(struct kvm_run)) {
		pr_err("%s: KVM_GET_VCPU_MMAP_SIZE: %s", vm->dev_path, strerror(errno));
		goto out;
	}
	type = vm_arch__vm_type(vm->sys_fd, LAYOUT_RAM_BASE + cfg->mem_size);
	if (type < 0)
		goto out;
	vm->vm_fd = ioctl(vm->sys_fd, KVM_CREATE_VM, type);
	if (vm->vm_fd < 0) {
		pr_err("%s: KVM_CREATE_VM: %s", vm->dev_path, strerror(errno));
		goto out;
	}
	if (setup_memory(vm) || loader__load(vm))
		goto out;

	/* api.rst ordering: GIC placed, vCPUs created and initialised,
	 * then the GIC initialised, then the PMU (it needs the GIC). */
	if (vm_arch__create_gic(vm))
		goto out;
	/* auto: MSI-X makes virtio-pci the faster transport; INTx does not */
	vm->virtio_pci = cfg->virtio_transport == VIRTIO_TRANSPORT_PCI ||
			 (cfg->virtio_transport == VIRTIO_TRANSPORT_AUTO && vm->gic_its);
	if (cfg->pmu && vm->gic == GIC_NONE) {
		pr_err("--pmu: the PMU interrupt needs an interrupt controller (not --irqchip none)");
		goto out;
	}
	if (create_vcpus(vm))
		goto out;
	/*
	 * Signals are blocked before any device starts a thread: a thread
	 * that left them unblocked would take a SIGTERM with its default
	 * action, killing the vmm instead of stopping the guest.
	 */
	sig.fd = setup_signals(&old_mask);
	masked = true;
	if (sig.fd < 0 || loop__add(&vm->loop, sig.fd, EPOLLIN, on_signal, &sig)) {
		pr_err("signalfd: %s", strerror(errno));
		goto out;
	}
	if (devices__init(vm, dev, &nr_dev))
		goto out;
	if (vm_arch__init_gic(vm))
		goto out;
	for (i = 0; cfg->pmu && i < vm->nr_vcpus; i++)
		if (vcpu_arch__init_pmu(&vm->vcpus[i]))
			goto out;

	if (cfg->dtb) {
		user_dtb = loader__read_dtb(vm);
		if (!user_dtb)
			goto out;
		dtb = user_dtb;
	} else if (build_dtb(vm, dev, nr_dev, dtb_buf)) {
		goto out;
	}
	if (cfg->dump_dtb) {
		status = dump_dtb(cfg->dump_dtb, dtb) ? VMM_EXIT_ERROR : 0;
		goto out;
	}
	if (place_dtb(vm, dtb))
		goto out;
	if (vcpu_arch__set_boot_regs(&vm->vcpus[0], vm->boot.kernel, vm->boot.dtb))
		goto out;
	if (cfg->gdb && gdb__open(vm))
		goto out;

	type = console__start(vm);
	if (type) {
		pr_err("watching stdin: %s", strerror(-type));
		goto out;
	}
	if (cfg->boot_warning)
		pr_warn("%s", cfg->boot_warning);
	term_raw(STDIN_FILENO);
	pr_info("booting %s with %u vCPUs and %" PRIu64 " MiB", cfg->name,
		vm->nr_vcpus, vm->ram_size >> 20);
	if (sandbox__prepare(vm))
		goto out;
	vm->run_ns = monotonic_ns();
	if (start_vcpus(vm) || (cfg->timeout_ns && start_timeout(vm)) ||
	    sandbox__enter(SANDBOX_MAIN, "main"))
		vm__stop(vm, VMM_EXIT_ERROR);
	main_loop(vm);
	control__close(vm);	/* no client waits on a VM that is going */

	kick_vcpus(vm);
	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
	term_restore();
	status = vm->status;
out:
	sandbox__gate_open(NULL);	/* setup failed: device threads go on, to their end */
	gdb__close(vm);		/* once no vCPU can take a debug exit */
	control__close(vm);
	if (vm->timeout_fd >= 0)
		close(vm->timeout_fd);
	console__stop(vm);
	if (vm->console.log_fd >= 0)
		close(vm->console.log_fd);
	free(user_dtb);
	devices__exit(vm, dev, nr_dev);
	destroy_vcpus(vm);
	if (sig.fd >= 0)
		close(sig.fd);
	if (masked)
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	if (vm->gic_fd >= 0)
		close(vm->gic_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	if (vm->wake_fd >= 0)
		close(vm->wake_fd);
	loop__destroy(&vm->loop);
	/* setup, guest and teardown: where a boot's time goes (make bench) */
	if (vm->run_ns && vm->stop_ns)
		pr_debug("time in ns: setup %" PRIu64 ", guest %" PRIu64 ", teardown %" PRIu64,
			 vm->run_ns - vm->start_ns, vm->stop_ns - vm->run_ns,
			 monotonic_ns() - vm->stop_ns);
	return status;
}
