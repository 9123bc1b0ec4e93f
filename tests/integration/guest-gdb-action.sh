# SPDX-License-Identifier: GPL-2.0
# guest-gdb-action.sh - the Linux guest's side of the GDB stub tests on its
# own (guest-init's vmmtest=gdb, no debugger): it names where do_sys_openat2
# and __arm64_sys_getpid are (kernel text, with nokaslr), says gdb-ready,
# keeps them called, and ends when a line arrives on the vmm's stdin.
# modes: vhe
# timeout: 150
. /tests/lib.sh

rm -f /tmp/in /tmp/gdb-guest.out && mkfifo /tmp/in
vmm run -k $GUEST_KERNEL -i $GUEST_INITRD -c 1 -m 256 -p "quiet nokaslr vmmtest=gdb" \
	< /tmp/in > /tmp/gdb-guest.out 2>&1 &
pid=$!
exec 3> /tmp/in
wait_for_output '^gdb-ready' /tmp/gdb-guest.out 90
sleep 2		# the loop runs meanwhile
echo "done" >&3
wait $pid
status=$?
exec 3>&-
out=/tmp/gdb-guest.log
tr -d '\r' < /tmp/gdb-guest.out > $out
cat $out
for s in do_sys_openat2 __arm64_sys_getpid; do
	expect_output "^guest-sym: $s 0xffff[0-9a-f]{12}$" "the guest's address of $s"
done
expect_output '^gdb-guest-done$' "the guest's end"
expect_status 0 "vmm after the console line ended vmmtest=gdb"
echo "the guest's gdb action: ok"
