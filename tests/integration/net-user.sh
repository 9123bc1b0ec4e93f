# SPDX-License-Identifier: GPL-2.0
# net-user.sh - user networking (-n mode=user): the vmm starts passt, as an
# ordinary user.  The guest gets its address by DHCP, resolves through
# L1's resolver (a name L1 knows, and not one it does not), fetches a file
# from a server on L1's loopback (passt maps the gateway's address to it),
# and a forwarded host port reaches a server in the guest.  Then the
# default: a NIC through passt when it is on PATH, none (one info line)
# when it is not or with --nodefaults.
# modes: vhe vhe-none
# timeout: 240
. /tests/lib.sh

export PATH=$PASST_DIR:$PATH
command -v passt > /dev/null || fail "no passt in L1"
mkdir -p /tmp/www
dd if=/dev/urandom of=/tmp/www/blob bs=64k count=16 2> /dev/null
want=$(md5sum < /tmp/www/blob | cut -d' ' -f1)
httpd -f -p 127.0.0.1:8080 -h /tmp/www &
httpd=$!
rm -f /tmp/dns.log
dns-stub 127.0.0.1 files.vmm.test=10.0.2.2 > /tmp/dns.log 2>&1 &
dns=$!

# the vmm as uid 1000 (tester), with the hypervisor's device opened up to it for
# this test only (put back, and the servers stopped, however the test ends)
dev=/dev/kvm
! on_vmm_ko || { kmod_load; dev=/dev/vmm; }
mode=$(stat -c %a $dev)
trap 'chmod $mode $dev; kill $httpd $dns 2> /dev/null' EXIT
chmod 666 $dev
# vmm.ko charges guest RAM to the user's locked memory, as for mlock()
ulimit -l unlimited
rm -f /tmp/user.out
su -s /bin/sh tester -c "id; PATH=$PATH; exec vmm run -k $GUEST_KERNEL -i $GUEST_INITRD -c 1 -m 256 \
	--name user --loglevel info -n mode=user,hostfwd=tcp:8022:8000 \
	-p 'quiet vmmtest=user'" < /dev/null > /tmp/user.out 2>&1 &
pid=$!
wait_for_output '^guest-listening: 8000' /tmp/user.out 120
# passt answers on the host port at once and connects to the guest's: the
# guest's nc may not be listening yet, so try until it says hello
i=0
until got=$(nc 127.0.0.1 8022 < /dev/null 2> /dev/null) && [ -n "$got" ]; do
	i=$((i + 1))
	[ $i -lt 30 ] || break
	sleep 1
done
wait $pid
status=$?
out=/tmp/user.txt
tr -d '\r' < /tmp/user.out > $out
cat $out
echo "L1's resolver saw:"
cat /tmp/dns.log
expect_status 0
expect_output "^vmm: virtio-net eth0: passt \(pid [0-9]+\), MAC 02:15:" "the NIC"
expect_output '^guest-dhcp: 10\.0\.2\.15/24 router 10\.0\.2\.2 dns 10\.0\.2\.2 mtu 65520$' "the guest's lease"
expect_output '^guest-dns: files\.vmm\.test 10\.0\.2\.2$' "a name L1's resolver knows"
expect_output '^guest-dns: nowhere\.vmm\.test unresolved$' "a name it does not"
grep -q '^dns-stub: files\.vmm\.test 1 -> 10\.0\.2\.2$' /tmp/dns.log ||
	fail "the guest's query did not reach L1's resolver"
expect_output "^guest-fetched: $want 1048576\$" "the file from L1"
[ "$got" = "hello from the guest" ] ||
	fail "host port 8022 gave '$got', not the guest's port 8000's hello"
echo "host port 8022 -> guest port 8000: $got"
pidof passt && fail "passt outlived its VM"

# The default NIC, whatever the guest (a payload here: no boot to wait
# for): through passt where it is on PATH ...
vmm_run run -k /firmware/psci.img -c 2 -m 64 --loglevel info
expect_status 0
expect_output "^vmm: virtio-net eth0: passt \(pid [0-9]+\)" "the default NIC"
# ... none where it is not, saying why ...
env PATH=/bin vmm run -k /firmware/psci.img -c 2 -m 64 --loglevel info \
	< /dev/null > /tmp/nopasst.out 2>&1
status=$?
tr -d '\r' < /tmp/nopasst.out > $out
cat $out
expect_status 0
expect_output "^vmm: no network: passt is not installed \(apt install passt\)" "why no NIC"
grep -q "virtio-net" $out && fail "a NIC without passt"
# ... and none with --nodefaults
vmm_run run -k /firmware/psci.img -c 2 -m 64 --loglevel info --nodefaults
expect_status 0
grep -q "virtio-net" $out && fail "a NIC with --nodefaults"
! on_vmm_ko || expect_no_vm_left 5
echo "user networking: ok"
