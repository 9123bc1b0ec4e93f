# SPDX-License-Identifier: GPL-2.0
# boot-linux.sh - the Debian arm64 kernel with a busybox initramfs boots to
# init on 4 vCPUs, sees them all and the PMU (--pmu, where the hypervisor
# has one: not vmm.ko), its clock advances at the host's rate, and its
# poweroff ends vmm with status 0; in vhe, as Image.gz too.
# modes: vhe nvhe vhe-none nvhe-none a72-none
# timeout: 150
. /tests/lib.sh

pmu=--pmu
! on_vmm_ko || pmu=
vmm_run run -k $GUEST_KERNEL -i $GUEST_INITRD -c 4 -m 512 $pmu -p "quiet vmmtest=info"
expect_output '^guest-nproc: 4$' "the guest's CPU count"
expect_output '^guest-cpus-online: 0-3$' "the guest's online CPUs"
expect_output '^guest-cmdline: console=ttyS0 earlycon panic=-1 quiet vmmtest=info$' \
	"the guest's command line"
want=0
[ -z "$pmu" ] || want=1
expect_output "^guest-pmu: $want\$" "the guest's PMU (${pmu:-none asked for})"
expect_status 0 "vmm after the guest's poweroff"

# The guest's clock: its 5 s sleep (timer interrupts through the GIC) ends
# when 5 s of its uptime have passed, and about 5 s of the host's: the
# virtual counter runs at the host's rate.  (Wide bounds: an emulated CPU
# on a loaded machine can lose a second here or there.)
now() { cut -d' ' -f1 /proc/uptime; }
vmm run -k $GUEST_KERNEL -i $GUEST_INITRD -c 2 -m 256 -p "quiet vmmtest=clock" \
	< /dev/null > /tmp/clock.out 2>&1 &
pid=$!
wait_for_output '^guest-clock-start:' /tmp/clock.out 90
t0=$(now)
wait_for_output '^guest-clock-end:' /tmp/clock.out 30
t1=$(now)
wait $pid
status=$?
out=/tmp/clock.out
tr -d '\r' < /tmp/clock.out | grep guest-clock
expect_status 0 "vmm after the clock guest"
g0=$(tr -d '\r' < /tmp/clock.out | sed -n 's/^guest-clock-start: //p')
g1=$(tr -d '\r' < /tmp/clock.out | sed -n 's/^guest-clock-end: //p')
# judge G T: "ok", or why not, for G s of the guest's and T of the host's
verdict=$(awk -v g="$(awk -v a="$g0" -v b="$g1" 'BEGIN { print b - a }')" \
	      -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" 'BEGIN {
	printf "guest uptime advanced %.2f s while the host'"'"'s advanced %.2f s\n", g, t
	if (g < 5 || g >= 6) print "the guest'"'"'s 5 s sleep took " g " s of its uptime"
	else if (t <= 3.5 || t >= 9) print "the guest'"'"'s 5 s took " t " s of the host'"'"'s"
	else print "ok" }')
echo "$verdict" | head -n 1
[ "$(echo "$verdict" | tail -n 1)" = ok ] || fail "$(echo "$verdict" | tail -n 1)"

# The same kernel as Image.gz boots too (zlib in the loader): the
# loader's, not the hypervisor's, so in one mode.
[ "$TB_MODE" = vhe ] || exit 0
gzip -c $GUEST_KERNEL > /tmp/Image.gz
vmm_run run -k /tmp/Image.gz -i $GUEST_INITRD -c 1 -m 256 -p "quiet vmmtest=poweroff"
expect_output '^guest-init: powering off$' "the Image.gz guest"
expect_status 0 "vmm after the Image.gz guest's poweroff"

# A truncated Image.gz is refused with the reason.
head -c 1000000 /tmp/Image.gz > /tmp/bad.gz
vmm_run run -k /tmp/bad.gz
expect_error 'kernel /tmp/bad.gz: corrupt or truncated gzip data'
