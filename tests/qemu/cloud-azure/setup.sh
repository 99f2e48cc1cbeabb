# shellcheck shell=bash
# ovf-env.xml, as Azure writes it for `az vm create --admin-username azureuser --ssh-key-values
# ... --custom-data config.ign`: the user name, the harness's key, a host name, a password
# (never used) and, as custom data (base64), an Ignition config with a file and no user, so the
# keys go to azureuser; on the CD-ROM ovf.iso. After provisioning the machine must report ready
# to the wireserver; its first answer to the report is 410 Gone (md/health-gone: the goal state
# changed meanwhile), so the check-in has to start over from the goal state.
. "$HULL_TOP/tests/qemu/setup-lib.sh"
mkdir -p md/machine ovf
vm_ssh_key
custom=$(jq -cn '{ignition: {version: "3.4.0"}, storage: {files: [{path: "/etc/hull-test/from-custom-data",
        mode: 420, contents: {source: "data:,provisioned%20from%20Azure%20custom%20data%0A"}}]}}' | base64 -w 76)
cat >"ovf/ovf-env.xml" <<XML
<?xml version="1.0" encoding="utf-8"?>
<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" xmlns:oe="http://schemas.dmtf.org/ovf/environment/1" xmlns:wa="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
<wa:ProvisioningSection><wa:Version>1.0</wa:Version>
<LinuxProvisioningConfigurationSet xmlns="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
<ConfigurationSetType>LinuxProvisioningConfiguration</ConfigurationSetType>
<HostName>hull-azure-vm</HostName>
<UserName>azureuser</UserName>
<UserPassword>not-a-password-hull-uses</UserPassword>
<DisableSshPasswordAuthentication>true</DisableSshPasswordAuthentication>
<SSH><PublicKeys>
<PublicKey><Fingerprint>0000000000000000000000000000000000000000</Fingerprint><Path>/home/azureuser/.ssh/authorized_keys</Path><Value>$(cat "$VM_SSH_KEY.pub")</Value></PublicKey>
</PublicKeys></SSH>
<CustomData>
$custom
</CustomData>
</LinuxProvisioningConfigurationSet></wa:ProvisioningSection>
<wa:PlatformSettingsSection><PlatformSettings xmlns="http://schemas.microsoft.com/windowsazure"><ProvisionGuestAgent>false</ProvisionGuestAgent></PlatformSettings></wa:PlatformSettingsSection>
</Environment>
XML
genisoimage -quiet -o ovf.iso -V rd_rdfe_stable -J -R ovf ||
        die "genisoimage failed"
# The goal state, as the wireserver describes the VM's container and role instance.
cat >md/goalstate.xml <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<GoalState xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="goalstate10.xsd">
  <Version>2012-11-30</Version>
  <Incarnation>7</Incarnation>
  <Machine><ExpectedState>Started</ExpectedState><StopRolesDeadlineHint>300000</StopRolesDeadlineHint><LBProbePorts><Port>16001</Port></LBProbePorts><ExpectHealthReport>FALSE</ExpectHealthReport></Machine>
  <Container>
    <ContainerId>5f3c1e9a-7d2b-4c8e-9a61-0b4d2e7f8c13</ContainerId>
    <RoleInstanceList><RoleInstance>
      <InstanceId>8a1f0c2e5b7d4e9fa3c6b1d0e2f4a6c8._hull-azure-vm</InstanceId>
      <State>Started</State>
    </RoleInstance></RoleInstanceList>
  </Container>
</GoalState>
XML
echo 1 >md/health-gone
