/**
 * dnf and yum outputs for the parsers' and the module's unit tests. The dnf 4.14 ones were
 * recorded from real runs against the sandbox repository; WRAPPED (older dnf's wrapped table)
 * and the yum 3 ones are written in their format (yum 3's error as quoted in
 * kubernetes/kubernetes#75701), since no yum 3 host is at hand.
 */

/** `dnf -y install kubelet-1.13.3 kubeadm-1.13.3 kubectl-1.13.3` on a host with kubernetes-cni 0.7.5. */
export const INSTALL_PINNED = `Last metadata expiration check: 0:00:13 ago on Thu Nov 26 07:20:44 2026.
Dependencies resolved.
================================================================================
 Package              Architecture Version          Repository             Size
================================================================================
Installing:
 kubeadm              x86_64       1.13.3-0         k8splay-sandbox       7.1 k
 kubectl              x86_64       1.13.3-0         k8splay-sandbox       6.3 k
 kubelet              x86_64       1.13.3-0         k8splay-sandbox       7.0 k
Installing dependencies:
 cri-tools            x86_64       1.12.0-0         k8splay-sandbox       6.3 k
Downgrading:
 kubernetes-cni       x86_64       0.6.0-0          k8splay-sandbox       6.9 k

Transaction Summary
================================================================================
Install    4 Packages
Downgrade  1 Package

Total size: 34 k
Downloading Packages:
Running transaction check
Transaction check succeeded.
Running transaction test
Transaction test succeeded.
Running transaction
  Preparing        :                                                        1/1 
  Downgrading      : kubernetes-cni-0.6.0-0.x86_64                          1/6 
  Installing       : kubelet-1.13.3-0.x86_64                                2/6 
  Installing       : kubectl-1.13.3-0.x86_64                                3/6 
  Installing       : cri-tools-1.12.0-0.x86_64                              4/6 
  Installing       : kubeadm-1.13.3-0.x86_64                                5/6 
  Cleanup          : kubernetes-cni-0.7.5-0.x86_64                          6/6 
  Verifying        : kubernetes-cni-0.6.0-0.x86_64                          1/6 
  Verifying        : kubernetes-cni-0.7.5-0.x86_64                          2/6 
  Verifying        : cri-tools-1.12.0-0.x86_64                              3/6 
  Verifying        : kubeadm-1.13.3-0.x86_64                                4/6 
  Verifying        : kubectl-1.13.3-0.x86_64                                5/6 
  Verifying        : kubelet-1.13.3-0.x86_64                                6/6 

Downgraded:
  kubernetes-cni-0.6.0-0.x86_64                                                 
Installed:
  cri-tools-1.12.0-0.x86_64  kubeadm-1.13.3-0.x86_64  kubectl-1.13.3-0.x86_64 
  kubelet-1.13.3-0.x86_64   

Complete!
`;

/** `dnf --assumeno install kubelet-1.13.3 kubeadm-1.13.3 kubectl-1.13.3` on an empty host (stdout). */
export const ASSUMENO_INSTALL = `Dependencies resolved.
================================================================================
 Package              Architecture Version          Repository             Size
================================================================================
Installing:
 kubeadm              x86_64       1.13.3-0         k8splay-sandbox       7.1 k
 kubectl              x86_64       1.13.3-0         k8splay-sandbox       6.3 k
 kubelet              x86_64       1.13.3-0         k8splay-sandbox       7.0 k
Installing dependencies:
 cri-tools            x86_64       1.12.0-0         k8splay-sandbox       6.3 k
 kubernetes-cni       x86_64       0.6.0-0          k8splay-sandbox       6.9 k

Transaction Summary
================================================================================
Install  5 Packages

Total size: 34 k
Installed size: 2.0 k
`;

/** stderr of a --assumeno run with a transaction. */
export const OPERATION_ABORTED = 'Operation aborted.\n';

/** `dnf -y install kubelet-1.13.3 kubernetes-cni-0.7.5`: the real conflict. */
export const CONFLICT = {
  stdout: `Last metadata expiration check: 0:00:25 ago on Thu Nov 26 07:20:44 2026.
(try to add '--allowerasing' to command line to replace conflicting packages or '--skip-broken' to skip uninstallable packages)
`,
  stderr: `Error: 
 Problem: cannot install both kubernetes-cni-0.7.5-0.x86_64 and kubernetes-cni-0.6.0-0.x86_64
  - package kubelet-1.13.3-0.x86_64 requires kubernetes-cni = 0.6.0, but none of the providers can be installed
  - conflicting requests
`,
};

/** A repository with exclude=kube*, without disable_excludes. */
export const EXCLUDED = {
  stdout: `Kubernetes                                      1.4 MB/s | 2.7 kB     00:00    
All matches were filtered out by exclude filtering for argument: kubelet-1.13.3
All matches were filtered out by exclude filtering for argument: kubeadm
`,
  stderr: 'Error: Unable to find a match: kubelet-1.13.3 kubeadm\n',
};

export const NO_MATCH = {
  stdout: `Last metadata expiration check: 0:01:31 ago on Thu Nov 26 07:20:44 2026.
No match for argument: nosuchpkg
`,
  stderr: 'Error: Unable to find a match: nosuchpkg\n',
};

/** `dnf -y upgrade kubernetes-cni` from 0.6.0. */
export const UPGRADE_CNI = `Last metadata expiration check: 0:08:41 ago on Thu Nov 26 07:22:30 2026.
Dependencies resolved.
================================================================================
 Package              Architecture Version          Repository             Size
================================================================================
Upgrading:
 kubernetes-cni       x86_64       0.7.5-0          k8splay-sandbox       6.9 k

Transaction Summary
================================================================================
Upgrade  1 Package

Total size: 6.9 k
Downloading Packages:
Running transaction check
Transaction check succeeded.
Running transaction test
Transaction test succeeded.
Running transaction
  Upgrading        : kubernetes-cni-0.7.5-0.x86_64                          1/2 
  Cleanup          : kubernetes-cni-0.6.0-0.x86_64                          2/2 
  Verifying        : kubernetes-cni-0.7.5-0.x86_64                          1/2 
  Verifying        : kubernetes-cni-0.6.0-0.x86_64                          2/2 

Upgraded:
  kubernetes-cni-0.7.5-0.x86_64                                                 

Complete!
`;

/** `dnf -y remove kubernetes-cni-0.7.5-0.x86_64` (stdout). */
export const REMOVE_CNI = `Dependencies resolved.
================================================================================
 Package              Architecture Version         Repository              Size
================================================================================
Removing:
 kubernetes-cni       x86_64       0.7.5-0         @k8splay-sandbox         6  

Transaction Summary
================================================================================
Remove  1 Package

Freed space: 6  
Running transaction
  Erasing          : kubernetes-cni-0.7.5-0.x86_64                          1/1 
  Verifying        : kubernetes-cni-0.7.5-0.x86_64                          1/1 

Removed:
  kubernetes-cni-0.7.5-0.x86_64                                                 

Complete!
`;

export const NOTHING_TO_DO = `Last metadata expiration check: 0:01:30 ago on Thu Nov 26 07:20:44 2026.
Package kubernetes-cni-0.7.5-0.x86_64 is already installed.
Dependencies resolved.
Nothing to do.
Complete!
`;

/** An older dnf wraps the table: a long name alone on its line. */
export const WRAPPED = `Dependencies resolved.
================================================================================
 Package                   Arch     Version               Repository       Size
================================================================================
Installing:
 this-is-a-really-long-package-name-for-wrapping-tests
                           noarch   1:1.0.0-1.el8         long            5.6 k
 kubelet                   x86_64   1.13.3-0              kubernetes      7.0 k
     replacing  kubelet-old.x86_64 1.0-1
Installing weak dependencies:
 cri-tools                 x86_64   1.12.0-0              kubernetes      6.3 k

Transaction Summary
================================================================================
Install  3 Packages
`;

/** yum 3 (CentOS 7) on the same kind of conflict, kubernetes/kubernetes#75701. */
export const YUM3_CONFLICT = {
  stdout: `Resolving Dependencies
--> Running transaction check
---> Package kubeadm.x86_64 0:1.11.6-0 will be installed
--> Processing Dependency: kubernetes-cni >= 0.6.0 for package: kubeadm-1.11.6-0.x86_64
---> Package kubelet.x86_64 0:1.11.6-0 will be installed
--> Processing Dependency: kubernetes-cni = 0.6.0 for package: kubelet-1.11.6-0.x86_64
---> Package kubernetes-cni.x86_64 0:0.7.5-0 will be installed
--> Finished Dependency Resolution
 You could try using --skip-broken to work around the problem
 You could try running: rpm -Va --nofiles --nodigest
`,
  stderr: `Error: Package: kubelet-1.11.6-0.x86_64 (kubernetes)
           Requires: kubernetes-cni = 0.6.0
           Available: kubernetes-cni-0.6.0-0.x86_64 (kubernetes)
               kubernetes-cni = 0.6.0-0
           Installing: kubernetes-cni-0.7.5-0.x86_64 (kubernetes)
               kubernetes-cni = 0.7.5-0
`,
};

/** yum 3's table (CentOS 7). */
export const YUM3_INSTALL = `Resolving Dependencies
--> Finished Dependency Resolution

Dependencies Resolved

================================================================================
 Package             Arch        Version              Repository          Size
================================================================================
Installing:
 kubeadm             x86_64      1.13.3-0             kubernetes         7.9 M
Installing for dependencies:
 cri-tools           x86_64      1.12.0-0             kubernetes         4.2 M
 kubernetes-cni      x86_64      0.6.0-0              kubernetes         8.6 M
Updating for dependencies:
 kubelet             x86_64      1.13.3-0             kubernetes          21 M

Transaction Summary
================================================================================
Install  1 Package (+2 Dependent packages)
Upgrade             ( 1 Dependent package)

Complete!
`;
