# SPDX-License-Identifier: GPL-2.0
# cli.sh - the command surface tools written for lkvm rely on: --help in
# lkvm's layout, help for each command, version, and usage errors.
# modes: vhe
# timeout: 20
. /tests/lib.sh

vmm_run --help
expect_status 0
expect_output '^ usage: vmm \[--version\] \[--help\] COMMAND \[ARGS\]$'
expect_output '^ The most commonly used vmm commands are:$'
expect_output '^   run +Start the virtual machine$'

vmm_run help run
expect_status 0
expect_output '^usage: vmm run \[<options>\] \[<kernel image>\]$'
expect_output '^    -k, --kernel <file>'
expect_output '^Exit status:$'

vmm_run help frobnicate
expect_error "help frobnicate: no such command"
expect_status 2

vmm_run version
expect_status 0
expect_output '^vmm version [0-9]+\.[0-9]+\.[0-9]+$'
vmm_run --version
expect_output '^vmm version '

vmm_run
expect_status 2
expect_output '^ usage: vmm '

vmm_run run --help
expect_status 0
expect_output '^usage: vmm run '
