# SPDX-License-Identifier: GPL-2.0
# sandbox.sh - least privilege once the VM is set up: a vCPU thread's
# forbidden system call stops the vmm with the documented line and status
# 159 (and runs with --no-seccomp); every thread of a running vmm has its
# seccomp filter and no_new_privs, and as root only the capabilities its
# role needs (vmm stat says which); --sandbox-user drops root for a uid,
# every capability with it; started as an ordinary user with access to
# /dev/kvm, or to /dev/vmm by vmm.ko's dev_mode and dev_group, the vmm
# runs with none at all.
# modes: vhe nvhe vhe-none nvhe-none
# timeout: 180
. /tests/lib.sh

args="-c 2 -m 64"
use_vmm_ko
unset XDG_RUNTIME_DIR

# a forbidden call from a vCPU thread
vmm_run run -k /firmware/psci.img $args --debug-forbidden-syscall
expect_status 159 "vmm after a forbidden system call"
expect_output '^vmm: seccomp: the vcpu0 thread made system call [0-9]+ \(acct\), which its filter forbids: stopping \(--no-seccomp leaves the filters out\)$' "the forbidden call, said"
vmm_run run -k /firmware/psci.img $args --debug-forbidden-syscall --no-seccomp
expect_status 0 "vmm with --no-seccomp (the call refused by the kernel: no CAP_SYS_PACCT)"

# every thread of a running vmm: filtered, no new privileges, capabilities by role
threads_say() {	# threads_say PID WHAT REGEX: every task's /proc status line WHAT matches
	for t in /proc/$1/task/*; do
		line=$(grep "^$2:" $t/status)
		echo "$(cat $t/comm): $line"
		echo "$line" | grep -qE "$3" || fail "thread $(cat $t/comm) of $1 has '$line', expected /$3/"
	done
}
vmm run -k /firmware/idle.img $args -p idle=forever --name sb1 < /dev/null > /tmp/sb1.out 2>&1 &
pid=$!
wait_until 30 test -S /run/vmm/sb1.sock || fail "no control socket: $(cat /tmp/sb1.out)"
sleep 1
threads_say $pid Seccomp '2$'
threads_say $pid NoNewPrivs '1$'
# root: the main thread keeps CAP_KILL (for passt, which runs as nobody), vCPUs nothing
threads_say $pid CapEff '(0000000000000000|0000000000000020)$'
out=/tmp/sb1.stat
vmm stat --name sb1 --json > $out
cat $out
expect_output '"sandbox":\{"seccomp":true,"uid":0,"gid":0,"caps":\{"main":"cap_kill=ep","vcpu":"=",' "vmm stat's sandbox"
vmm stat --name sb1 > $out
cat $out
expect_output '^sandbox: seccomp on, uid 0 gid 0, capabilities: main "cap_kill=ep" vcpu "="$' "vmm stat's sandbox line"
vmm stop --name sb1 --force > /dev/null
wait $pid

# --sandbox-user: root no more, for every thread
vmm run -k /firmware/idle.img $args -p idle=forever --name sb2 --sandbox-user 65534:65534 \
	< /dev/null > /tmp/sb2.out 2>&1 &
pid=$!
wait_until 30 test -S /run/vmm/sb2.sock || fail "no control socket: $(cat /tmp/sb2.out)"
sleep 1
threads_say $pid Uid '^Uid:[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534'
threads_say $pid CapEff '0000000000000000$'
threads_say $pid CapPrm '0000000000000000$'
out=/tmp/sb2.stat
vmm stat --name sb2 --json > $out
expect_output '"sandbox":\{"seccomp":true,"uid":65534,"gid":65534,"caps":\{"main":"=","vcpu":"="' "vmm stat after --sandbox-user"
vmm stop --name sb2 --force > /dev/null
wait $pid

# an ordinary user with access to the hypervisor: no capability to begin
# with, none after.  /dev/kvm opened to all here (Debian's udev gives it
# to the kvm group); /dev/vmm to group 1000 by vmm.ko's own parameters,
# and RLIMIT_MEMLOCK raised for the pages the module pins (as limits.conf
# would)
if on_vmm_ko; then
	kmod_load dev_mode=0660 dev_group=1000
	perm=$(stat -c '%a %u %g' /dev/vmm)
	[ "$perm" = "660 0 1000" ] ||
		fail "/dev/vmm is '$perm' (mode uid gid), expected '660 0 1000' from dev_mode and dev_group"
	# a limit short of guest RAM is said before the guest runs
	(ulimit -l 1024; runas 1000 1000 vmm run -k /firmware/psci.img $args) > /tmp/sb4.out 2>&1
	out=/tmp/sb4.out
	expect_output '^vmm: warning: sandbox: vmm.ko counts guest RAM as locked memory: 128 MiB needed, RLIMIT_MEMLOCK allows 1 MiB \(raise .ulimit -l.\)$' \
		"the short RLIMIT_MEMLOCK, said"
	ulimit -l 262144
else
	chmod 0666 /dev/kvm
fi
runas 1000 1000 \
	vmm run -k /firmware/idle.img $args -p idle=forever --name sb3 < /dev/null > /tmp/sb3.out 2>&1 &
pid=$!
wait_until 30 test -S /tmp/vmm-1000/sb3.sock || fail "no control socket: $(cat /tmp/sb3.out)"
sleep 1
threads_say $pid Uid '^Uid:[[:space:]]+1000[[:space:]]'
threads_say $pid CapEff '0000000000000000$'
threads_say $pid Seccomp '2$'
runas 1000 1000 vmm stat --name sb3 --json > /tmp/sb3.stat
out=/tmp/sb3.stat
cat $out
expect_output '"sandbox":\{"seccomp":true,"uid":1000,"gid":1000,"caps":\{"main":"=","vcpu":"="' "an ordinary user's vmm stat"
runas 1000 1000 vmm stop --name sb3 --force > /dev/null
wait $pid
if on_vmm_ko; then
	expect_no_vm_left 5
	kmod_unload
else
	chmod 0600 /dev/kvm
fi
