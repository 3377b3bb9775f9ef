// Until the SSH transport lands, ssh hosts are reported UNREACHABLE with a message that says why, in the
// shape Ansible uses for ssh connection failures.
import { UnreachableError } from "../errors.ts";
import type { Transport } from "./_types.ts";

export const sshUnavailableTransport: Transport = {
  names: ["ssh", "smart", "paramiko", "paramiko_ssh", "openssh"],
  async connect(target) {
    const addr = String(target.vars.ansible_host ?? target.name);
    throw new UnreachableError(
      `Failed to connect to the host via ssh: remote execution is not available in this build of ftl2 (host ${addr})`,
      { hint: "use ansible_connection=local for the controller, or a build with the ssh transport" },
    );
  },
};
