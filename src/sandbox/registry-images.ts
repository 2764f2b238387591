/**
 * The images the sandbox registry holds: what the walkthrough pulls, from the mirrors it pulls
 * them from. The docker stand-in on sandbox hosts can pull these and nothing else (see
 * src/sandbox/standins/CONTRACT.md); ids and digests are fixed fakes derived from `content`, so
 * two names of one image (nginx:latest and nginx:1.15 in early 2019) share an id. Sizes and
 * creation dates are close to the real images'.
 */

export interface RegistryImage {
  /** Full reference: registry host, repository path, tag. */
  ref: string;
  /** What the image is; names with the same content are the same image. */
  content: string;
  /** Uncompressed size in bytes, as `docker images` reports it. */
  size: number;
  /** When the image was built (ISO 8601). */
  created: string;
  /** Layer names, base first; layers with equal names are shared between images. */
  layers: string[];
}

const ALIYUN = 'registry.aliyuncs.com/google_containers';

/** The walkthrough's images (Kubernetes 1.13.3 control plane, flannel, nginx for the final check). */
export const REGISTRY_IMAGES: readonly RegistryImage[] = [
  { ref: `${ALIYUN}/kube-apiserver:v1.13.3`, content: 'kube-apiserver v1.13.3', size: 180_965_734, created: '2019-02-01T10:41:03.582947262Z', layers: ['busybox-base:2018', 'kube-apiserver:v1.13.3'] },
  { ref: `${ALIYUN}/kube-controller-manager:v1.13.3`, content: 'kube-controller-manager v1.13.3', size: 146_167_066, created: '2019-02-01T10:41:01.102314577Z', layers: ['busybox-base:2018', 'kube-controller-manager:v1.13.3'] },
  { ref: `${ALIYUN}/kube-scheduler:v1.13.3`, content: 'kube-scheduler v1.13.3', size: 79_582_440, created: '2019-02-01T10:40:59.301982003Z', layers: ['busybox-base:2018', 'kube-scheduler:v1.13.3'] },
  { ref: `${ALIYUN}/kube-proxy:v1.13.3`, content: 'kube-proxy v1.13.3', size: 80_266_213, created: '2019-02-01T10:41:12.914207338Z', layers: ['debian-base-amd64:0.4.1', 'debian-iptables:v11.0', 'kube-proxy:v1.13.3'] },
  { ref: `${ALIYUN}/pause:3.1`, content: 'pause 3.1', size: 742_472, created: '2017-12-21T00:05:08.946431002Z', layers: ['pause:3.1'] },
  { ref: `${ALIYUN}/etcd:3.2.24`, content: 'etcd 3.2.24', size: 219_655_340, created: '2018-08-23T17:34:08.497658402Z', layers: ['busybox-base:2018', 'etcd:3.2.24', 'etcdctl:3.2.24'] },
  { ref: `${ALIYUN}/coredns:1.2.6`, content: 'coredns 1.2.6', size: 40_017_418, created: '2018-11-05T22:43:07.137285512Z', layers: ['ca-certificates:2018', 'coredns:1.2.6'] },
  { ref: 'quay-mirror.qiniu.com/coreos/flannel:v0.10.0-amd64', content: 'flannel v0.10.0-amd64', size: 44_598_861, created: '2018-01-24T23:29:48.811370853Z', layers: ['alpine:3.6', 'flannel-deps:v0.10.0', 'flannel:v0.10.0-amd64'] },
  { ref: 'quay-mirror.qiniu.com/coreos/flannel:v0.11.0-amd64', content: 'flannel v0.11.0-amd64', size: 52_567_296, created: '2019-01-31T20:07:40.221739045Z', layers: ['alpine:3.8', 'flannel-deps:v0.11.0', 'flannel:v0.11.0-amd64'] },
  { ref: 'docker.io/library/nginx:latest', content: 'nginx 1.15.8', size: 109_294_473, created: '2019-02-06T08:06:43.271451208Z', layers: ['debian:stretch-slim-20190204', 'nginx:1.15.8', 'nginx-logs:1.15.8'] },
  { ref: 'docker.io/library/nginx:1.15', content: 'nginx 1.15.8', size: 109_294_473, created: '2019-02-06T08:06:43.271451208Z', layers: ['debian:stretch-slim-20190204', 'nginx:1.15.8', 'nginx-logs:1.15.8'] },
];
