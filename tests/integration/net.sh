# SPDX-License-Identifier: GPL-2.0
# net.sh - virtio-net on tap: two VMs, each on a tap the vmm makes, on one
# bridge in L1, ping each other, then VM 0 sends VM 1 4 MiB over TCP (TSO
# frames out of one guest, into the other's mergeable buffers); VM 0's NIC
# is on virtio-mmio with the vmm serving its queues, VM 1's on the default
# transport (virtio-pci on KVM) with vhost-net serving them.
# modes: vhe vhe-none
# timeout: 300
. /tests/lib.sh

load_host_modules
ip link add br0 type bridge 2>/dev/null || brctl addbr br0 ||
	fail "L1 cannot make a bridge"
ip link set br0 up

# start_vm N ROLE KEYS [ARGS...]: VM N on tap vmtapN (with -n's KEYS
# besides), address 10.0.0.N+1, pinging the other, then sending or
# receiving (ROLE send, recv).
start_vm() {
	n=$1
	role=$2
	keys=$3
	shift 3
	vmm run "$@" -k $GUEST_KERNEL -i $GUEST_INITRD -c 1 -m 256 --name net$n \
		--loglevel info -n mode=tap,tapif=vmtap$n$keys \
		-p "quiet vmmtest=net vmmip=10.0.0.$((n + 1)) vmmpeer=10.0.0.$((2 - n)) vmmrole=$role" \
		< /dev/null > /tmp/net$n.out 2>&1 &
	eval pid$n=$!
	# the vmm makes the tap and brings it up; L1 puts it on the bridge
	i=0
	while ! ip link show vmtap$n > /dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 100 ] || { cat /tmp/net$n.out; fail "no tap vmtap$n"; }
		sleep 0.1
	done
	ip link set vmtap$n master br0 2>/dev/null || brctl addif br0 vmtap$n ||
		fail "vmtap$n cannot join the bridge"
}

start_vm 0 send "" --virtio-transport mmio
start_vm 1 recv ,vhost=on
wait $pid0
status0=$?
wait $pid1
status1=$?
for n in 0 1; do
	out=/tmp/net$n.txt
	tr -d '\r' < /tmp/net$n.out > $out
	cat $out
	peer=$((2 - n))
	vhost=
	[ $n = 0 ] || vhost=", vhost-net"
	expect_output "^vmm: virtio-net eth0: tap vmtap$n$vhost, MAC 02:15:" "VM $n's NIC"
	expect_output "^guest-net-mac: 02:15:" "VM $n's MAC in the guest"
	expect_output "^guest-net-up: 10.0.0.$((n + 1))$" "VM $n's address"
	expect_output "^guest-ping: 10.0.0.$peer answers$" "VM $n reaching VM $((1 - n))"
done
[ $status0 = 0 ] && [ $status1 = 0 ] || fail "vmm exit statuses $status0 $status1"
sent=$(sed -n 's/^guest-sent: //p' /tmp/net0.txt)
received=$(sed -n 's/^guest-received: //p' /tmp/net1.txt)
echo "$sent" | grep -qE '^[0-9a-f]{32} 4194304$' && [ "$sent" = "$received" ] ||
	fail "VM 0 sent '$sent' (md5, bytes), VM 1 received '$received'"
echo "4 MiB over TCP: $received"
# the MACs differ: each is a hash of the VM's name
mac0=$(sed -n 's/^guest-net-mac: //p' /tmp/net0.txt)
mac1=$(sed -n 's/^guest-net-mac: //p' /tmp/net1.txt)
[ -n "$mac0" ] && [ "$mac0" != "$mac1" ] || fail "guest MACs '$mac0' and '$mac1'"
! on_vmm_ko || expect_no_vm_left 5
echo "two VMs on a bridge: ok"
