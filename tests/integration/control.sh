# SPDX-License-Identifier: GPL-2.0
# control.sh - a running VM through its control socket: vmm list (text and
# JSON), stat, pause (the vCPUs parked: no time in the guest, no exits),
# debug --dump, resume, a client sending garbage, NULs, overlong lines or
# hanging up mid-request (an error reply, the VM runs on), stop --force
# (the vmm exits 5, its socket gone); a
# graceful stop (the power button: a Linux guest's handler powers off, exit
# 0; a guest that ignores it is stopped after --grace, exit 5); the
# guest's clock held still while paused; a second
# VM of the same name refused; a VM killed with SIGKILL leaves a stale
# socket that list removes and a new VM of that name replaces; commands
# for a VM that is not there; --timeout (exit 124, the vCPUs' registers on
# stderr) and --console-log.
# modes: vhe vhe-none
# timeout: 180
. /tests/lib.sh

unset XDG_RUNTIME_DIR
sock=/run/vmm/ctl1.sock
rm -f /tmp/ctl1.out
vmm run -k /firmware/idle.img -c 2 -m 64 -p idle=forever --name ctl1 \
	< /dev/null > /tmp/ctl1.out 2>&1 &
pid=$!
wait_until 30 test -S $sock || fail "no control socket $sock"
[ "$(stat -c %a $sock)" = 600 ] || fail "$sock is $(stat -c %a $sock), not 600"
[ "$(stat -c %a /run/vmm)" = 700 ] || fail "/run/vmm is $(stat -c %a /run/vmm), not 700"

ctl() {		# ctl ARGS...: vmm ARGS, its output in $out, its status in $status
	out=/tmp/ctl.out
	echo "+ vmm $*"
	vmm "$@" > $out 2>&1
	status=$?
	cat $out
}

ctl list
expect_status 0
expect_output "^ctl1 +$pid +running +2 +64 MiB" "vmm list"
ctl list --json
expect_output "^\\{\"vms\":\\[\\{\"ok\":true,\"name\":\"ctl1\",\"pid\":$pid,\"state\":\"running\",\"vcpus\":2,\"memory_mib\":64," "vmm list --json"
ctl stat --name ctl1
expect_status 0
expect_output '^vcpu 0: [0-9.]+ s in KVM_RUN, exits: [0-9]+ MMIO' "vmm stat"
ctl pause --name ctl1
expect_status 0
expect_output '^ctl1: paused$' "vmm pause"
ctl stat --name ctl1 --json
expect_output '"state":"paused"' "the paused state"
first=$(grep -o '"vcpu_stats":.*\]' $out)
sleep 2
ctl stat --name ctl1 --json
[ "$(grep -o '"vcpu_stats":.*\]' $out)" = "$first" ] ||
	fail "a paused VM's vCPUs ran: $first, then $(grep -o '"vcpu_stats":.*\]' $out)"
ctl debug --name ctl1 --dump
expect_status 0
expect_output '^vcpu 0: pc 0x[0-9a-f]{16} pstate 0x[0-9a-f]{8} \(EL1h' "vcpu 0's PC and PSTATE"
expect_output '^vcpu 1: esr_el1 0x' "vcpu 1's exception registers"
expect_output '^vcpu 0: x28 0x[0-9a-f]{16} x29 0x[0-9a-f]{16} x30 0x' "the general registers"
ctl resume --name ctl1
expect_output '^ctl1: running$' "vmm resume"
ctl debug --name ctl1 --dump --json
expect_output '^\{"ok":true,"vcpus":\[\{"id":0,"pc":"0x' "debug --dump --json"
ctl list
expect_output "^ctl1 +$pid +running" "running again after debug"

# what a confused or hostile client sends gets an error reply and nothing
# else: garbage, a NUL inside, a line of 300 bytes, half a request and a
# hang-up, 40 connections at once; the VM runs on
raw() {		# raw HEX [close]: ctl-raw to ctl1, its output in $out
	out=/tmp/raw.out
	echo "+ ctl-raw $*"
	ctl-raw $sock "$@" > $out 2>&1
	cat $out; echo
}
raw 6761726261676521210a
expect_output '^\{"ok":false,"error":"unknown request' "garbage"
raw 73746f70006a756e6b0a
expect_output '^\{"ok":false,"error":"a request may not hold a NUL byte"\}$' "a NUL inside"
long=$(i=0; while [ $i -lt 300 ]; do printf 61; i=$((i + 1)); done)
raw "${long}0a"
expect_output '^\{"ok":false,"error":"a request is one line of at most 255 bytes"\}$' "a long line"
raw 7374 close
raw ""  close
i=0
while [ $i -lt 40 ]; do ctl-raw $sock 7374 close; i=$((i + 1)); done
ctl list
expect_output "^ctl1 +$pid +running" "the VM after a hostile client"

# the name is taken while it runs
vmm_run run -k /firmware/idle.img -c 1 -m 64 --name ctl1
expect_error "a VM named ctl1 is running \\($sock\\): give another --name$"
expect_status 1

ctl stop --name ctl1 --force
expect_status 0
expect_output '^ctl1: stopping$' "vmm stop --force"
wait $pid
status=$?
expect_status 5 "the stopped vmm"
[ ! -e $sock ] || fail "the socket outlived its VM"

# a crash leaves the socket: list removes it, a new VM takes the name
vmm run -k /firmware/idle.img -c 1 -m 64 -p idle=forever --name ctl2 < /dev/null > /dev/null 2>&1 &
pid=$!
wait_until 30 test -S /run/vmm/ctl2.sock || fail "no control socket for ctl2"
kill -9 $pid
wait $pid
[ -S /run/vmm/ctl2.sock ] || fail "SIGKILL left no socket behind (the test proves nothing)"
ctl list
grep -q ctl2 $out && fail "vmm list shows a VM that is gone"
[ ! -e /run/vmm/ctl2.sock ] || fail "vmm list left the stale socket"
vmm run -k /firmware/idle.img -c 1 -m 64 -p idle=forever --name ctl2 < /dev/null > /tmp/ctl2.out 2>&1 &
pid=$!
wait_until 30 test -S /run/vmm/ctl2.sock || fail "no control socket for the second ctl2"
ctl stop --name ctl2 --force --json
expect_output '^\{"ok":true,"state":"stopping"\}$' "stop --json"
wait $pid

# a graceful stop: the power button, which the guest's handler acts on
rm -f /tmp/pk.out
vmm run -k $GUEST_KERNEL -i $GUEST_INITRD -c 1 -m 256 -n mode=none --name pk \
	-p "quiet vmmtest=powerkey" < /dev/null > /tmp/pk.out 2>&1 &
pid=$!
wait_for_output '^guest-powerkey: ready' /tmp/pk.out 120
ctl stop --name pk
expect_status 0
expect_output '^pk: powering-down$' "vmm stop"
wait $pid
status=$?
cat /tmp/pk.out
expect_status 0 "a guest that powered off on its power button"
grep -q '^guest-powerkey: pressed' /tmp/pk.out || fail "the guest saw no KEY_POWER"
# the guest's time stands still while paused: a 5 s sleep paused for 4 s
# is 5 s of the guest's uptime, 9 or more of L1's
rm -f /tmp/clock.out
vmm run -k $GUEST_KERNEL -i $GUEST_INITRD -c 1 -m 256 -n mode=none --name clk \
	-p "quiet vmmtest=clock" < /dev/null > /tmp/clock.out 2>&1 &
pid=$!
wait_for_output '^guest-clock-start: ' /tmp/clock.out 120
t0=$(cut -d' ' -f1 /proc/uptime)
ctl pause --name clk
sleep 4
ctl resume --name clk
wait $pid
t1=$(cut -d' ' -f1 /proc/uptime)
cat /tmp/clock.out
g0=$(tr -d '\r' < /tmp/clock.out | sed -n 's/^guest-clock-start: //p')
g1=$(tr -d '\r' < /tmp/clock.out | sed -n 's/^guest-clock-end: //p')
[ -n "$g1" ] || fail "the paused guest never woke"
awk -v g0=$g0 -v g1=$g1 -v t0=$t0 -v t1=$t1 'BEGIN {
	printf "guest %.2f s, L1 %.2f s\n", g1 - g0, t1 - t0
	exit !(g1 - g0 < 6.5 && t1 - t0 >= 8.5) }' ||
	fail "the guest's clock ran while it was paused (or the pause did not hold)"

# a guest that does not act on it: the hard stop after --grace
vmm run -k /firmware/idle.img -c 1 -m 64 -p idle=forever --name deaf < /dev/null > /tmp/deaf.out 2>&1 &
pid=$!
wait_until 30 test -S /run/vmm/deaf.sock || fail "no control socket for deaf"
ctl stop --name deaf --grace 2
expect_output '^deaf: powering-down$' "vmm stop of a deaf guest"
wait $pid
status=$?
cat /tmp/deaf.out
expect_status 5 "a guest stopped after its grace"
grep -q "^vmm: warning: vmm stop: the guest did not power off in time: stopping it$" /tmp/deaf.out ||
	fail "no word of the hard stop"
ctl stop --name deaf --grace 0
expect_status 2

# no such VM, no name, a bad name
ctl stop --name nosuch
expect_status 1
expect_output '^vmm: stop: nosuch: no such VM \(vmm list shows them\)$' "a VM that is not there"
ctl pause
expect_status 2
ctl stat --name ../etc
expect_status 1
vmm_run run -k /firmware/idle.img --name 'a/b'
expect_error "--name a/b: a VM's name is 1 to 64 letters"
expect_status 2

# --timeout: the registers, then exit 124; --console-log: the console kept
vmm_run run -k /firmware/idle.img -c 2 -m 64 -p idle=forever --timeout 3 \
	--console-log /tmp/console.log
expect_status 124
expect_output '^vmm: --timeout: the guest ran for 3.0 s: stopping it; its vCPUs were at:$' "the watchdog"
expect_output '^vcpu 1: pc 0x[0-9a-f]{16}' "vcpu 1's PC"
grep -q '^# idle:' /tmp/console.log || fail "--console-log: no console output in the file"
[ "$(grep -c '^# idle:' /tmp/console.log)" = "$(grep -c '^# idle:' $out)" ] ||
	fail "--console-log: the file and stdout differ"
! on_vmm_ko || expect_no_vm_left 5
echo "the control socket: ok"
