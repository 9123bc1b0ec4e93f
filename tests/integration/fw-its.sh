# SPDX-License-Identifier: GPL-2.0
# fw-its.sh - the its payload with --irqchip gicv3-its: the kernel's ITS
# maps a device's events to LPIs that arrive at the CPU interface (see
# firmware/its/its.c); without the option the payload finds no ITS and
# fails; vmm.ko, which has a GICv3 but no ITS, refuses the option in one
# line, and --irqchip gicv2 too; with its GICv3 the payload finds no LPIs.
# modes: vhe nvhe vhe-none nvhe-none
# timeout: 120
. /tests/lib.sh

case $TB_MODE in
vhe-none|nvhe-none)
	kmod_load
	vmm_run run -k /firmware/its.img -c 2 -m 64 --kvm-dev /dev/vmm --irqchip gicv3-its
	expect_error '--irqchip gicv3-its: the hypervisor cannot emulate a GICv3 ITS on this host$'
	expect_status 1 "vmm asked for an ITS on vmm.ko"
	# nor a GICv2: refused by name
	vmm_run run -k /firmware/its.img -m 64 --kvm-dev /dev/vmm --irqchip gicv2
	expect_error "--irqchip gicv2: the hypervisor cannot emulate a GICv2 on this host"
	expect_status 1 "vmm asked for a gicv2 on vmm.ko"
	# its GICv3 has no LPIs: the payload must notice, and fail
	vmm_run run -k /firmware/its.img -c 2 -m 64 --kvm-dev /dev/vmm --irqchip gicv3
	expect_output '^not ok [0-9]+ - its: GICD_TYPER.LPIS and GICR_TYPER.PLPIS' \
		"the its payload on vmm.ko's GICv3"
	expect_status 3 "vmm after the its payload on vmm.ko's GICv3"
	kmod_unload
	;;
*)
	run_payload its 45 -c 2 -m 64 --irqchip gicv3-its
	# a GICv3 without the ITS has no LPIs: the payload must notice, and fail
	vmm_run run -k /firmware/its.img -c 2 -m 64 --irqchip gicv3
	expect_output '^not ok [0-9]+ - its: GICD_TYPER.LPIS and GICR_TYPER.PLPIS' \
		"the its payload without an ITS"
	expect_status 3 "vmm after the its payload without an ITS"
	;;
esac
