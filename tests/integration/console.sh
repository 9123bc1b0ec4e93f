# SPDX-License-Identifier: GPL-2.0
# console.sh - keyboard input reaches the guest's shell through the 8250 UART
# from a pipe, and SIGTERM/SIGINT stop a running guest cleanly with 128+N.
# modes: vhe vhe-none
# timeout: 200
. /tests/lib.sh

# wait_for FILE REGEX SECONDS: until FILE has a line matching REGEX.
wait_for() {
	i=0
	while ! { tr -d '\r' < "$1"; } 2> /dev/null | grep -qE "$2"; do
		i=$((i + 1))
		[ $i -le $(($3 * 5)) ] || { cat "$1"; fail "no /$2/ within $3s"; }
		sleep 0.2
	done
}

# Input: commands typed into the guest shell once it is up.
rm -f /tmp/in && mkfifo /tmp/in
vmm run -k $GUEST_KERNEL -i $GUEST_INITRD -c 1 -m 256 -p quiet \
	< /tmp/in > /tmp/console.out 2>&1 &
pid=$!
exec 3> /tmp/in
wait_for /tmp/console.out 'busybox shell' 60
echo 'echo "typed-$((6 * 7))"; poweroff -f' >&3
wait $pid
status=$?
exec 3>&-
tr -d '\r' < /tmp/console.out
out=/tmp/console.out
expect_output 'typed-42' "the guest's answer to typed input"
expect_status 0 "vmm after 'poweroff -f' typed in the guest"

# Signals: the guest idles (a payload in WFI: the signal is the vmm's
# business whatever the guest); vmm stops it and says why.
for sig in TERM INT; do
	# a fresh file: the last run's line would let the signal go before
	# the vmm is up (and a background job of sh ignores SIGINT until the
	# vmm takes it over)
	rm -f /tmp/sig.out
	vmm run -k /firmware/idle.img -c 2 -m 64 -p idle=forever \
		--loglevel info < /dev/null > /tmp/sig.out 2>&1 &
	pid=$!
	wait_for /tmp/sig.out 'idle: waiting in WFI' 60
	kill -$sig $pid
	wait $pid
	status=$?
	tr -d '\r' < /tmp/sig.out
	out=/tmp/sig.out
	# vmm's stderr may land mid-line after the guest's output: no ^
	case $sig in
	TERM) expect_output 'vmm: stopping the guest on signal 15$' "vmm's log" ;;
	INT) expect_output 'vmm: stopping the guest on signal 2$' "vmm's log" ;;
	esac
	case $sig in
	TERM) expect_status 143 "vmm after SIGTERM" ;;
	INT) expect_status 130 "vmm after SIGINT" ;;
	esac
done
