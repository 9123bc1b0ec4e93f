# SPDX-License-Identifier: GPL-2.0
# fw-idle.sh - WFI sleeps: in the idle payload WFI returns at the virtual
# timer's deadline after a few wake-ups, not thousands; and a vCPU waiting
# in WFI with nothing armed uses no CPU, and SIGTERM still stops the vmm.
# On the kernel's KVM and on vmm.ko.
# modes: vhe nvhe vhe-none nvhe-none
# timeout: 120
. /tests/lib.sh

args="-c 1 -m 64"
if on_vmm_ko; then
	kmod_load
	args="$args --kvm-dev /dev/vmm"
fi
run_payload idle 3 $args

rm -f /tmp/idle.out	# wait_for_output must not see an earlier run's lines
vmm run -k /firmware/idle.img $args -p idle=forever < /dev/null > /tmp/idle.out 2>&1 &
pid=$!
wait_for_output "^# idle: waiting in WFI" /tmp/idle.out 60
before=$(cpu_ticks $pid)
sleep 2
after=$(cpu_ticks $pid)
kill -TERM $pid
wait $pid
status=$?
cat /tmp/idle.out
echo "CPU time in 2 s of WFI: $((after - before)) ticks of 1/$(getconf CLK_TCK 2>/dev/null || echo 100) s"
# a vCPU spinning on WFI would use all 200
[ $((after - before)) -le 20 ] || fail "the vmm used $((after - before)) ticks in 2 s of guest WFI"
expect_status 143 "vmm stopped by SIGTERM in guest WFI"
! on_vmm_ko || kmod_unload
