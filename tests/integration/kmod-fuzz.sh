# SPDX-License-Identifier: GPL-2.0
# kmod-fuzz.sh - the KVM API under random calls from userspace
# (tests/tools/ioctl-fuzz.c): seeded sequences of system, VM, vCPU and
# device ioctls with random and hostile arguments from 4 threads that
# share their fds, guests running random instructions, fds closed and
# guest memory changed under running vCPUs.  The calls' errors are
# expected; the host is judged: nothing in its log that says the kernel
# went wrong, MemFree back where it was (after a warm-up run), and on
# vmm.ko (vhe-none, nvhe-none) nothing left in its counters after each
# run and the module unloads.  In vhe the same runs go to the kernel's
# KVM: the reference.  One seed is fixed, one new each time; both are
# printed, and a seed replays each thread's choices (not their
# interleaving): ioctl-fuzz DEVICE SEED CALLS THREADS SECONDS.
# modes: vhe vhe-none nvhe-none
# timeout: 240
# host-warnings: at arch/arm64/kvm/arch_timer\.c:[0-9]+ (kvm_timer_update_irq|kvm_arch_timer_get_input_level)\+
. /tests/lib.sh

# each run stops at CALLS calls or after SECS seconds, whichever is first
# (L1 is a TCG machine, ~100 times slower than the hardware; 1500 calls
# took 0.3-0.4 s there, so a run is a few seconds)
CALLS=15000 THREADS=4 SECS=15
# MemFree may differ by this much (kB) once the runs are over
SLACK=2048

# MemFree, after dropping the page cache and the slab caches' empty slabs,
# plus the free pages parked on the per-CPU lists (MemFree does not count
# them; kmod.sh saw them swing it by 500 kB)
memfree() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 > "$f"
	done 2> /dev/null
	awk -v kb="$(awk '/^KernelPageSize:/ { print $2; exit }' /proc/self/smaps)" '
		/^MemFree:/ { m = $2 }
		/^ *count: / { n += $2 }
		END { print m + n * kb }' /proc/meminfo /proc/zoneinfo
}

# What the kernel logged since this test began that says it went wrong,
# in the forms it prints them (a WARN is "WARNING: CPU: ...", an oops
# "Internal error: Oops", BUG() "kernel BUG at"); the whole log if the
# start marker has scrolled out of it (everything there is newer then).
marker="kmod-fuzz $$: start"
echo "$marker" > /dev/kmsg
kernel_errors() {
	dmesg > /tmp/fuzz-dmesg
	if grep -q "$marker" /tmp/fuzz-dmesg; then
		awk -v m="$marker" 'seen; index($0, m) { seen = 1 }' /tmp/fuzz-dmesg > /tmp/fuzz-new
		mv /tmp/fuzz-new /tmp/fuzz-dmesg
	fi
	grep -E 'BUG:|kernel BUG|Oops|WARNING:|Call trace|general protection|refcount_t|list_(add|del) corruption|kmemleak|Internal error|Unable to handle kernel|UBSAN|KASAN|soft lockup|rcu_.*stall|blocked for more than' \
		/tmp/fuzz-dmesg | known_kvm_warnings
}

# The reference's own bugs: the kernel's KVM 6.1 WARNs when userspace
# drives it so (kvm_timer_update_irq(), its vGIC refusing the timer's
# interrupt; kvm_arch_timer_get_input_level() with no vCPU running), which
# the fuzzer reaches on /dev/kvm now and then.  Said, and not counted
# against /dev/kvm; on vmm.ko nothing is excused (its code is not under
# arch/arm64/kvm/).  A WARN's call trace goes with it: an oops has lines
# of its own ("Internal error", "Unable to handle").  The header's
# host-warnings line tells host-init.sh the same, and is read here.
KVM_KNOWN=$(sed -n 's/^# host-warnings: //p' "$0")
[ -n "$KVM_KNOWN" ] || fail "no host-warnings line in $0"
known_kvm_warnings() {
	if on_vmm_ko || ! grep -qE "WARNING: .*$KVM_KNOWN" /tmp/fuzz-dmesg; then
		cat
		return
	fi
	grep -E "WARNING: .*$KVM_KNOWN" /tmp/fuzz-dmesg | sed 's/^/KVM 6.1 itself (not counted): /' >&2
	grep -vE "WARNING: .*$KVM_KNOWN|Call trace"
}

# fuzz DEVICE SEED CALLS: one run, which must end by itself, not stuck,
# and have got somewhere: a tenth of its calls at least, and the deep ones
# (a VM with memory, an initialised vCPU, a run)
fuzz() {
	local calls ok n
	ioctl-fuzz "$1" "$2" "$3" $THREADS $SECS > /tmp/fuzz.out 2>&1
	status=$?
	cat /tmp/fuzz.out
	if [ $status -gt 128 ]; then
		dmesg | grep -A 8 'ioctl-fuzz\[' | tail -n 20
		fail "ioctl-fuzz on $1 (seed $2) died of signal $((status - 128))"
	fi
	[ $status = 0 ] || fail "ioctl-fuzz on $1 (seed $2) exited with status $status"
	calls=$(sed -n "s/^ioctl-fuzz: .* seed $2: \([0-9]*\) calls, .*/\1/p" /tmp/fuzz.out)
	[ -n "$calls" ] || fail "ioctl-fuzz on $1 (seed $2) printed no summary"
	[ "$calls" -ge $(($3 / 10)) ] || fail "ioctl-fuzz on $1 (seed $2) made $calls calls of $3 in ${SECS} s"
	for n in KVM_CREATE_VM KVM_CREATE_VCPU KVM_SET_USER_MEMORY_REGION KVM_ARM_VCPU_INIT; do
		ok=$(sed -n "s/.*| $n [0-9]*\/\([0-9]*\).*/\1/p" /tmp/fuzz.out)
		[ "${ok:-0}" -gt 0 ] || fail "ioctl-fuzz on $1 (seed $2): no $n succeeded"
	done
	grep -q '| KVM_RUN [1-9]' /tmp/fuzz.out || fail "ioctl-fuzz on $1 (seed $2) never ran a vCPU"
}

# log_clean WHAT: the kernel logged nothing wrong up to the end of WHAT
log_clean() {
	local errs
	errs=$(kernel_errors)
	[ -z "$errs" ] || { echo "$errs"; fail "after $1 the kernel logged: $(echo "$errs" | head -n 1)"; }
}

# after_run WHAT: on vmm.ko nothing is left of WHAT's VMs; the log is clean
after_run() {
	if on_vmm_ko; then
		expect_no_vm_left 5
		echo "after $1: $(for c in live_vms live_vcpus pinned_pages locked_pages; do
			printf '%s %s ' $c "$(cat /sys/module/vmm/parameters/$c)"; done)"
	fi
	log_clean "$1"
}

echo 1 > /proc/sys/debug/exception-trace	# where the fuzzer faults, if it does
seeds="1 $((0x$(cut -c1-8 /proc/sys/kernel/random/uuid)))"
dev=/dev/kvm
if on_vmm_ko; then
	dev=/dev/vmm
	[ ! -e /sys/module/vmm ] || rmmod vmm || fail "vmm.ko is loaded and busy"
fi

# a warm-up, so that first-use allocations (slab caches, per-CPU pages,
# kernel threads) are not counted against MemFree
on_vmm_ko && kmod_load
fuzz $dev 7 $((CALLS / 5))
after_run "the warm-up"
on_vmm_ko && kmod_unload

free_before=$(memfree)
on_vmm_ko && kmod_load
for seed in $seeds; do
	fuzz $dev "$seed" $CALLS
	after_run "seed $seed"
done
if on_vmm_ko; then
	kmod_unload
	log_clean "the unload"
fi
sleep 1		# what the kernel frees after an RCU grace period
free_after=$(memfree)
echo "MemFree before ${free_before} kB, after ${free_after} kB"
[ $((free_before - free_after)) -lt $SLACK ] ||
	fail "MemFree fell by $((free_before - free_after)) kB over the runs on $dev"
