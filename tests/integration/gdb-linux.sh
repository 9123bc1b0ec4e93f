# SPDX-License-Identifier: GPL-2.0
# gdb-linux.sh - Debian's gdb against a Linux guest through --gdb, in
# batch mode, as a kernel developer uses it: attach to the running guest
# (it stops), two vCPUs as threads, a breakpoint on a kernel function
# (do_sys_openat2, from the guest's /proc/kallsyms: nokaslr) that a busy
# loop in the guest hits, its arguments in registers (w0 = AT_FDCWD, x1 a
# user pointer read through the guest's TTBR0 tables), a kernel variable
# (linux_banner, by its address in the Image) through the TTBR1 tables and
# the same bytes through the linear map, a single step (the next
# instruction, not the IRQ vector), a hardware breakpoint, then detach:
# the guest runs on and powers off when told.  Meanwhile the guest's
# own kprobe on openat hits thousands of times with guest debug on: its
# BRKs go back to it (a scripted client holds a hardware breakpoint), gdb
# hears of none, `vmm stat` counts them.  Then --gdb-wait and a
# hardware breakpoint on start_kernel, and gdb's kill (exit 5).
# modes: vhe nvhe
# timeout: 300
. /tests/lib.sh

rm -f /tmp/gdbl.in /tmp/gdbl.out && mkfifo /tmp/gdbl.in
vmm run -k $GUEST_KERNEL -i $GUEST_INITRD -c 2 -m 256 -p "quiet nokaslr vmmtest=gdb vmmkprobe=1" \
	--name gdbl --gdb 1234 < /tmp/gdbl.in > /tmp/gdbl.out 2>&1 &
pid=$!
exec 3> /tmp/gdbl.in
wait_for_output '^gdb-ready' /tmp/gdbl.out 120
cat /tmp/gdbl.out
fn=$(sed -n 's/^guest-sym: do_sys_openat2 \(0x[0-9a-f]*\).*/\1/p' /tmp/gdbl.out)
sk=$(sed -n 's/^guest-sym: start_kernel \(0x[0-9a-f]*\).*/\1/p' /tmp/gdbl.out)
hw=$(sed -n 's/^guest-sym: __arm64_sys_getpid \(0x[0-9a-f]*\).*/\1/p' /tmp/gdbl.out)
case $fn$hw in 0xffff*0xffff*) ;; *) fail "the guest named no do_sys_openat2/__arm64_sys_getpid: '$fn' '$hw'" ;; esac
# the kernel is mapped from _text (0xffff800008000000 with nokaslr) as the
# Image lies in the file; its linear-map alias is at PAGE_OFFSET + (PA - RAM)
off=$(strings -t d $GUEST_KERNEL | sed -n 's/^ *\([0-9]*\) Linux version [0-9].*/\1/p' | head -n 1)
[ -n "$off" ] || fail "no 'Linux version' in $GUEST_KERNEL"
# (ash's arithmetic is signed 64-bit: add to the low 32 bits only)
add32() {	# add32 0xHHHHHHHHLLLLLLLL N: the address N bytes on
	hi=${1%????????}
	printf '%s%08x' $hi $((0x${1#$hi} + $2))
}
banner=$(add32 0xffff800008000000 $off)
alias=$(add32 0xffff000000000000 $off)

grep -q '^guest-kprobe: on' /tmp/gdbl.out || fail "the guest set no kprobe"

# with guest debug on (a hardware breakpoint where nothing runs), every
# BRK traps to the stub: the guest's kprobe's must go back to it, for 5 s
# of openat calls, and gdb hear of none of them
unset XDG_RUNTIME_DIR
out=/tmp/gdbl.rsp
rsp 1234 "Z1,${sk#0x},4" 'send:vCont;c' sleep:5000 '^C' "z1,${sk#0x},4" D > $out 2>&1
cat $out
[ "$(sed -n 2p $out)" = "< OK" ] || fail "Z1 on start_kernel: $(sed -n 2p $out)"
grep -q '^< T02thread' $out || fail "gdb heard of something before its Ctrl-C: $(grep '^< T' $out)"
vmm stat --name gdbl --json > /tmp/gdbl.stat
dbg=$(grep -o '"exits_debug":[0-9]*' /tmp/gdbl.stat | sed 's/.*://' | awk '{ n += $1 } END { print n + 0 }')
echo "debug exits: $dbg"
[ "$dbg" -gt 0 ] || fail "no debug exit while the guest's kprobe ran: $(cat /tmp/gdbl.stat)"

out=/tmp/gdbl.gdb
timeout -s INT 200 gdb -nx -batch \
	-ex 'set pagination off' -ex 'set confirm off' -ex 'set remotetimeout 30' \
	-ex 'target remote 127.0.0.1:1234' \
	-ex 'info threads' \
	-ex "break *$fn" -ex 'continue' \
	-ex 'printf "stopped-at %#lx\n", $pc' \
	-ex 'printf "dfd %#x\n", $w0' \
	-ex 'printf "path %s\n", (char *)$x1' \
	-ex "printf \"banner %s\", (char *)$banner" \
	-ex "x/4xw $banner" -ex "x/4xw $alias" \
	-ex 'stepi' -ex 'printf "stepped-to %#lx\n", $pc' \
	-ex 'delete' -ex "hbreak *$hw" -ex 'continue' \
	-ex 'printf "hw-stopped-at %#lx\n", $pc' \
	-ex 'delete' -ex 'detach' > $out 2>&1
status=$?
cat $out
[ $status = 0 ] || fail "gdb exited with status $status"
expect_output '^\* 1 +Thread 1 ' "thread 1 in info threads"
expect_output '^  2 +Thread 2 ' "thread 2 in info threads"
expect_output "^Thread [12] hit Breakpoint 1, $fn in " "the breakpoint hit"
expect_output "^stopped-at $fn\$" "the PC at the breakpoint"
expect_output '^dfd 0xffffff9c$' "openat's AT_FDCWD in w0"
expect_output '^path /' "the path in user memory (x1)"
expect_output '^banner Linux version [0-9]' "linux_banner through the kernel mapping"
a=$(grep -E "^$banner( <[^>]*>)?:" $out | head -n 1 | sed 's/^[^:]*://')
b=$(grep -E "^$alias:" $out | head -n 1 | sed 's/^[^:]*://')
[ -n "$a" ] && [ "$a" = "$b" ] || fail "the banner through the linear map ('$b') is not what the kernel mapping shows ('$a')"
expect_output "^stepped-to $(add32 $fn 4)\$" "stepi to the next instruction"
expect_output "^Hardware assisted breakpoint 2 at $hw\$" "the hardware breakpoint set"
expect_output "^Thread [12] hit Breakpoint 2, $hw in " "the hardware breakpoint hit"
expect_output "^hw-stopped-at $hw\$" "the PC at the hardware breakpoint"
expect_output '^\[Inferior 1 \(Remote target\) detached\]$' "the detach"

# the guest runs on after the debugger left: told to end, it powers off
kill -0 $pid || fail "the vmm died: $(tail -n 5 /tmp/gdbl.out)"
echo done >&3
wait $pid
status=$?
exec 3>&-
out=/tmp/gdbl.vmm
tr -d '\r' < /tmp/gdbl.out > $out
tail -n 5 $out
expect_output '^gdb-guest-done$' "the guest's end after the detach"
hits=$(sed -n 's/^guest-kprobe-hits: //p' $out)
[ "${hits:-0}" -gt 0 ] || fail "the guest's kprobe counted no hit ('$hits'): its BRKs did not come back to it"
grep -qiE 'Unexpected kernel BRK|Internal error|BUG:|WARNING:' $out && fail "the guest's kernel complained"
expect_status 0 "vmm after the guest powered off"

# kernel bring-up as the README has it: --gdb-wait holds the guest at its
# first instruction (the Image's entry, x0 the DTB, the MMU off), and a
# hardware breakpoint on start_kernel (an address the MMU does not map
# yet) stops it there once the kernel runs from its own mapping
case $sk in 0xffff*) ;; *) fail "the guest named no start_kernel: '$sk'" ;; esac
vmm run -k $GUEST_KERNEL -i $GUEST_INITRD -c 2 -m 256 -p "quiet nokaslr" \
	--gdb 1234 --gdb-wait < /dev/null > /tmp/gdbl.out 2>&1 &
pid=$!
out=/tmp/gdbl.gdb
timeout -s INT 200 gdb -nx -batch \
	-ex 'set pagination off' -ex 'set confirm off' -ex 'set remotetimeout 30' \
	-ex 'target remote 127.0.0.1:1234' \
	-ex 'printf "entry %#lx\n", $pc' -ex 'x/wx $x0' \
	-ex "hbreak *$sk" -ex 'continue' -ex 'printf "at %#lx\n", $pc' \
	-ex 'delete' -ex 'kill' > $out 2>&1
status=$?
cat $out
[ $status = 0 ] || fail "gdb exited with status $status"
expect_output '^entry 0x80000000$' "the PC at --gdb-wait: the Image's entry"
expect_output '^0x[0-9a-f]+:[[:space:]]+0xedfe0dd0$' "the DTB's magic at x0 (MMU off)"
expect_output "^Thread 1 hit Breakpoint 1, $sk in " "the hardware breakpoint on start_kernel"
expect_output "^at $sk\$" "the PC in start_kernel"
expect_output '^\[Inferior 1 \(Remote target\) killed\]$' "gdb's kill"
wait $pid
status=$?
expect_status 5 "vmm after gdb's kill"
