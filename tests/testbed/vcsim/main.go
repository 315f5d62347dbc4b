// Copyright: (c) 2026, hypercloud.builder contributors
// GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
// SPDX-License-Identifier: GPL-3.0-or-later

// hpvcsim: a vCenter simulator (govmomi's simulator package, VPX model) seeded for HA
// admission-control tests. Cluster DC0_C0 has 5 hosts of 16 cores x 2000 MHz, 32 threads and
// 128 GiB; DC0_C0_H4 is in maintenance mode. VMs DC0_C0_RP0_VM0..VM3 carry reservations, VM3 is
// powered off. HA starts enabled with 25% CPU / 25% memory reserved. Serves TLS on -l.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

type vmSeed struct {
	cpuMhz, memMB, overheadMB int64
	on                        bool
}

var vmSeeds = map[string]vmSeed{
	"DC0_C0_RP0_VM0": {4000, 16384, 64, true},
	"DC0_C0_RP0_VM1": {2000, 8192, 64, true},
	"DC0_C0_RP0_VM2": {0, 0, 64, true},
	"DC0_C0_RP0_VM3": {8000, 65536, 64, false},
}

func seed() {
	for _, e := range simulator.Map.All("HostSystem") {
		h := e.(*simulator.HostSystem)
		hw := h.Summary.Hardware
		if hw == nil {
			continue
		}
		hw.CpuMhz = 2000
		hw.NumCpuPkgs = 2
		hw.NumCpuCores = 16
		hw.NumCpuThreads = 32
		hw.MemorySize = 128 << 30
		if h.Hardware != nil {
			h.Hardware.MemorySize = 128 << 30
			h.Hardware.CpuInfo.NumCpuCores = 16
			h.Hardware.CpuInfo.NumCpuThreads = 32
			h.Hardware.CpuInfo.NumCpuPackages = 2
			h.Hardware.CpuInfo.Hz = 2000 * 1000 * 1000
		}
		if h.Name == "DC0_C0_H4" {
			h.Runtime.InMaintenanceMode = true
		}
	}
	for _, e := range simulator.Map.All("VirtualMachine") {
		vm := e.(*simulator.VirtualMachine)
		s, ok := vmSeeds[vm.Name]
		if !ok {
			continue
		}
		cpu, mem := s.cpuMhz, s.memMB
		vm.Config.CpuAllocation.Reservation = &cpu
		vm.Config.MemoryAllocation.Reservation = &mem
		vm.Runtime.MemoryOverhead = s.overheadMB << 20
		state := types.VirtualMachinePowerStatePoweredOn
		if !s.on {
			state = types.VirtualMachinePowerStatePoweredOff
		}
		vm.Runtime.PowerState = state
		vm.Summary.Runtime.PowerState = state
	}
	for _, e := range simulator.Map.All("ClusterComputeResource") {
		c := e.(*simulator.ClusterComputeResource)
		cfg := c.ConfigurationEx.(*types.ClusterConfigInfoEx)
		cfg.DasConfig.Enabled = types.NewBool(true)
		cfg.DasConfig.AdmissionControlEnabled = types.NewBool(true)
		cfg.DasConfig.HostMonitoring = "enabled"
		cfg.DasConfig.AdmissionControlPolicy = &types.ClusterFailoverResourcesAdmissionControlPolicy{
			CpuFailoverResourcesPercent:    25,
			MemoryFailoverResourcesPercent: 25,
		}
	}
}

func main() {
	listen := flag.String("l", "127.0.0.1:18720", "address to listen on (TLS)")
	flag.Parse()

	model := simulator.VPX()
	model.Host = 0
	model.ClusterHost = 5
	model.Machine = 4
	if err := model.Create(); err != nil {
		log.Fatal(err)
	}
	seed()
	model.Service.TLS = new(tls.Config)
	model.Service.Listen = &url.URL{Host: *listen}
	server := model.Service.NewServer()
	fmt.Printf("listening %s\n", server.URL)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	server.Close()
	model.Remove()
}
