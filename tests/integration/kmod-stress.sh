# SPDX-License-Identifier: GPL-2.0
# kmod-stress.sh - vmm.ko under load.  vCPU threads preempted by CPU hogs
# and moved between the host's CPUs by taskset while they run keep their
# registers (the fpsimd payload three times: FP/SIMD, FPCR and FPSR
# across 12000 exits each).  And more VMs than VMIDs (vmid_bits=2: 3 VMIDs for 2 CPUs) roll
# the VMID generation over while each still sees only its own memory
# (4 memory payloads at once, each with a pattern of its own).  And 4 VMs
# of 2 vCPUs taking timer interrupts and SGIs for 4 s at once, 8 vCPUs on
# 2 CPUs, count every one: none lost (the irqstorm payload).
# modes: vhe-none nvhe-none
# timeout: 300
. /tests/lib.sh

params=/sys/module/vmm/parameters
kmod_load vmid_bits=2

# the sum of the scheduler's migration counts over process $1's threads
migrations() {
	cat /proc/$1/task/*/sched 2>/dev/null |
		awk '/^se.nr_migrations/ { n += $3 } END { print n + 0 }'
}

hog() { while :; do :; done; }
hog & hog1=$!
hog & hog2=$!
moved=0 migrated=0
for run in 1 2 3; do
	vmm run --kvm-dev /dev/vmm -k /firmware/fpsimd.img -c 2 -m 64 \
		< /dev/null > /tmp/fp.out 2>&1 &
	pid=$!
	most=0
	while kill -0 $pid 2>/dev/null; do
		for t in /proc/$pid/task/*; do
			taskset -p $((moved % 2 + 1)) ${t##*/} > /dev/null 2>&1
		done
		n=$(migrations $pid)
		[ "${n:-0}" -le $most ] || most=$n
		moved=$((moved + 1))
		sleep 0.05
	done
	wait $pid
	status=$?
	migrated=$((migrated + most))
	out=/tmp/fp.lf
	tr -d '\r' < /tmp/fp.out > $out
	cat $out
	expect_output '^# fpsimd: [0-9]+ passed, 0 failed$' "the fpsimd summary"
	expect_status 0 "vmm after fpsimd under load"
done
kill $hog1 $hog2
echo "vCPU threads re-pinned $moved times, migrated at least $migrated times"
[ $migrated -ge 20 ] || fail "the vCPU threads migrated only $migrated times"

# four_vms PAYLOAD VCPUS: 4 VMs of the payload at once on vmm.ko; each
# must pass (their summaries and failures are printed).
four_vms() {
	local i
	for i in 1 2 3 4; do
		vmm run --kvm-dev /dev/vmm -k /firmware/$1.img -c $2 -m 64 \
			< /dev/null > /tmp/$1$i.out 2>&1 &
		eval pid$i=$!
	done
	for i in 1 2 3 4; do
		eval wait \$pid$i
		status=$?
		out=/tmp/$1$i.lf
		tr -d '\r' < /tmp/$1$i.out > $out
		grep -E "^# $1: [0-9]+ passed|^not ok|^# irqstorm: cpu" $out
		expect_output "^# $1: [0-9]+ passed, 0 failed\$" "$1 VM $i"
		expect_status 0 "vmm of $1 VM $i"
	done
	expect_no_vm_left
}

rollovers=$(cat $params/vmid_rollovers)
four_vms memory 1
rollovers=$(($(cat $params/vmid_rollovers) - rollovers))
echo "4 VMs at once on 3 VMIDs: $rollovers VMID rollovers"
[ $rollovers -gt 0 ] || fail "no VMID rollover with 4 VMs on 3 VMIDs"

four_vms irqstorm 2
kmod_unload
