// Copyright: (c) 2026, hypercloud.builder contributors
// GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
// SPDX-License-Identifier: GPL-3.0-or-later

// Our hook for govmomi 0.24's simulator (Debian golang-github-vmware-govmomi-dev): its
// ReconfigureComputeResource_Task applies rules, groups and VM overrides but drops the cluster's
// dasConfig (HA, admission control) and drsConfig. vcsim.sh copies this file into a build-time copy
// of the simulator package and adds hpUpdateDasDrsConfig to the task's list of updates.
// Fields left unset in the spec keep their value, like vCenter's modify=true merge.

package simulator

import "github.com/vmware/govmomi/vim25/types"

func (c *ClusterComputeResource) hpUpdateDasDrsConfig(cfg *types.ClusterConfigInfoEx, cspec *types.ClusterConfigSpecEx) types.BaseMethodFault {
	if das := cspec.DasConfig; das != nil {
		dst := &cfg.DasConfig
		if das.Enabled != nil {
			dst.Enabled = das.Enabled
		}
		if das.AdmissionControlEnabled != nil {
			dst.AdmissionControlEnabled = das.AdmissionControlEnabled
		}
		if das.AdmissionControlPolicy != nil {
			dst.AdmissionControlPolicy = das.AdmissionControlPolicy
		}
		if das.HostMonitoring != "" {
			dst.HostMonitoring = das.HostMonitoring
		}
		if das.VmMonitoring != "" {
			dst.VmMonitoring = das.VmMonitoring
		}
		if das.VmComponentProtecting != "" {
			dst.VmComponentProtecting = das.VmComponentProtecting
		}
		if das.FailoverLevel != 0 {
			dst.FailoverLevel = das.FailoverLevel
		}
		if das.DefaultVmSettings != nil {
			dst.DefaultVmSettings = das.DefaultVmSettings
		}
		if das.Option != nil {
			dst.Option = das.Option
		}
		if das.HBDatastoreCandidatePolicy != "" {
			dst.HBDatastoreCandidatePolicy = das.HBDatastoreCandidatePolicy
		}
	}
	if drs := cspec.DrsConfig; drs != nil {
		dst := &cfg.DrsConfig
		if drs.Enabled != nil {
			dst.Enabled = drs.Enabled
		}
		if drs.EnableVmBehaviorOverrides != nil {
			dst.EnableVmBehaviorOverrides = drs.EnableVmBehaviorOverrides
		}
		if drs.DefaultVmBehavior != "" {
			dst.DefaultVmBehavior = drs.DefaultVmBehavior
		}
		if drs.VmotionRate != 0 {
			dst.VmotionRate = drs.VmotionRate
		}
		if drs.Option != nil {
			dst.Option = drs.Option
		}
	}
	return nil
}
