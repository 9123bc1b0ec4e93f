# SPDX-License-Identifier: GPL-2.0
# gdb-rsp.sh - the GDB stub as a scripted client (tests/tools/rsp) speaks
# to it, for what gdb itself makes hard to script: attaching stops the
# guest (a stop reply for thread 1, two threads, qAttached 1), the
# features and target.xml, the `g` packet's 788 bytes, the PC and memory
# by virtual and physical address, Ctrl-C while it runs, a bad checksum
# answered '-' and the packet sent again, unknown packets answered empty,
# a second client refused while the first works on, a hang-up with a
# breakpoint in place (the instruction is back, the guest runs on), and
# on vmm.ko (no guest debug) breakpoints and steps refused with an error.
# modes: vhe vhe-none
# timeout: 240
. /tests/lib.sh

args="-k /firmware/idle.img -c 2 -m 64 -p idle=forever --loglevel info"
use_vmm_ko
log=/tmp/gdb-rsp.vmm
vmm run $args --gdb 1234 < /dev/null > $log 2>&1 &
pid=$!
wait_for_output "gdb: listening on 127.0.0.1:1234" $log 30

rsp_run() {	# rsp_run STEP...: rsp to :1234, its output in $out, status in $status
	out=/tmp/rsp.out
	echo "+ rsp 1234 $*"
	rsp 1234 "$@" > $out 2>&1
	status=$?
	cat $out
}

# the n-th reply (1-based) of the last rsp_run
reply() {
	grep '^< ' $out | sed -n "$1s/^< //p"
}

# a 64-bit little-endian register value in hex, as a number
le64() {
	echo "$1" | sed 's/\(..\)/\1 /g' | awk '{ for (i = 8; i >= 1; i--) printf "%s", $i }'
}

word0=$(od -An -tx1 -N4 /firmware/idle.img | tr -d ' \n')
rsp_run 'qSupported:multiprocess+;swbreak+;hwbreak+' '?' qfThreadInfo qsThreadInfo \
	qC qAttached 'qXfer:features:read:target.xml:0,40' g p20 p21 \
	'm80000000,4' 'qRcmd,70687973206f6e' 'm80000000,4' 'qRcmd,7068797320' \
	vMustReplyEmpty 'qThreadExtraInfo,2' 'Hg2' p20 'T3' D
expect_status 0 "rsp"
expect_output '^< PacketSize=4000;qXfer:features:read\+;swbreak\+;hwbreak\+;vContSupported\+;QStartNoAckMode\+$' "qSupported"
[ "$(reply 2)" = "T05thread:1;" ] || fail "attaching: $(reply 2), expected T05thread:1;"
[ "$(reply 3)" = m1,2 ] && [ "$(reply 4)" = l ] || fail "threads: $(reply 3) $(reply 4)"
[ "$(reply 5)" = QC1 ] && [ "$(reply 6)" = 1 ] || fail "qC, qAttached: $(reply 5) $(reply 6)"
expect_output '^< m<\?xml version="1.0"\?><!DOCTYPE target' "target.xml"
[ "$(reply 8 | tr -d '\n' | wc -c)" = 1576 ] || fail "the g packet has $(reply 8 | wc -c) characters, not 1576"
pc=$(le64 "$(reply 9)")
case $pc in 000000008*) ;; *) fail "vCPU 0's PC is $pc, not in the payload at 0x80000000" ;; esac
[ "$(reply 9)" = "$(reply 8 | cut -c513-528)" ] || fail "p20 $(reply 9) is not the g packet's pc"
[ ${#pc} = 16 ] && [ "$(reply 10 | wc -c)" = 9 ] || fail "cpsr is $(reply 10): not 4 bytes"
[ "$(reply 11)" = "$word0" ] || fail "m80000000,4 (virtual) is $(reply 11), the image starts $word0"
[ "$(reply 12)" = "$(printf 'memory is read by physical address\n' | od -An -tx1 | tr -d ' \n')" ] ||
	fail "monitor phys on: $(reply 12)"
[ "$(reply 13)" = "$word0" ] || fail "m80000000,4 (physical) is $(reply 13), the image starts $word0"
[ "$(reply 15)" = "" ] || fail "vMustReplyEmpty: $(reply 15)"
[ "$(reply 16)" = "$(printf 'vCPU 1' | od -An -tx1 | tr -d ' \n')" ] || fail "qThreadExtraInfo,2: $(reply 16)"
# vCPU 1 was never started (PSCI): its PC is its reset value, 0
[ "$(reply 18)" = 0000000000000000 ] || fail "vCPU 1's PC is $(reply 18), expected 0 (never started)"
case "$(reply 19)" in E*) ;; *) fail "thread 3 of 2 is alive: $(reply 19)" ;; esac
[ "$(reply 20)" = OK ] || fail "detach: $(reply 20)"
kill -0 $pid || fail "the vmm died: $(tail -n 3 $log)"
expect_output_in() { grep -qE "$1" "$2" || fail "$2 lacks /$1/"; }
expect_output_in "gdb: a debugger attached: the guest is stopped" $log

# the guest runs between sessions: Ctrl-C stops it again, where it is
if on_vmm_ko; then steps="vCont;c;C"; else steps="vCont;c;C;s;S"; fi
rsp_run 'vCont?' 'send:vCont;c' sleep:500 '^C' '?' 'raw:2467233030' drain D
expect_status 0 "rsp"
[ "$(reply 1)" = "$steps" ] || fail "vCont? is $(reply 1), expected $steps"
case "$(reply 2)" in T02thread:[12]\;) ;; *) fail "Ctrl-C: $(reply 2), expected T02" ;; esac
[ "$(reply 3)" = "$(reply 2)" ] || fail "? after Ctrl-C: $(reply 3)"
expect_output '^<< -' "a bad checksum answered with '-'"

# a second debugger is refused while the first is attached
rsp_run 'send:?' sleep:300 drain sleep:3000 close &
first=$!
sleep 1
rsp 1234 '?' > /tmp/rsp2.out 2>&1
cat /tmp/rsp2.out
grep -q '^< (closed)' /tmp/rsp2.out || fail "a second debugger was not refused"
wait $first
expect_output_in "gdb: refused a second debugger" $log

if on_vmm_ko; then
	rsp_run "Z0,$pc,4" "Z1,$pc,4" 's' D
	case "$(reply 1)$(reply 2)$(reply 3)" in E*E*E*) ;; *) fail "vmm.ko: breakpoints and steps were not refused" ;; esac
	expect_output_in "has no guest debug" $log
else
	# a breakpoint left in place by a debugger that hangs up is taken out
	rsp_run 'Hg1' "m$pc,4" "Z0,$pc,4" 'qRcmd,70687973206f6e' "m$pc,4" close
	before=$(reply 2)
	[ "$(reply 3)" = OK ] || fail "Z0 at $pc: $(reply 3)"
	[ "$(reply 5)" = "$before" ] || fail "a read shows $(reply 5) where the breakpoint hides $before"
	wait_for_output "the debugger went away: the guest runs on" $log 10
	rsp_run 'qRcmd,70687973206f6e' "m$pc,4" D
	[ "$(reply 2)" = "$before" ] || fail "the breakpoint's instruction is $(reply 2) after the hang-up, was $before"
fi
kill -0 $pid || fail "the vmm died: $(tail -n 3 $log)"
kill -TERM $pid
wait $pid
echo "vmm: exit status $?"
cat $log
