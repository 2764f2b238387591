"""The docker command line: global options, commands, management commands, help."""
import sys

from .common import GIT_COMMIT, STANDIN_NOTE, VERSION, Fail, need_daemon
from .images import cmd_image_inspect, cmd_images, cmd_inspect, cmd_pull, cmd_rmi, cmd_tag
from .system import cmd_info, cmd_ps, cmd_version


COMMANDS = {'pull': cmd_pull, 'images': cmd_images, 'inspect': cmd_inspect, 'tag': cmd_tag, 'rmi': cmd_rmi,
            'ps': cmd_ps, 'info': cmd_info, 'version': cmd_version}
SUBCOMMANDS = {
    ('image', 'pull'): cmd_pull, ('image', 'ls'): cmd_images, ('image', 'list'): cmd_images,
    ('image', 'inspect'): cmd_image_inspect, ('image', 'tag'): cmd_tag, ('image', 'rm'): cmd_rmi,
    ('image', 'remove'): cmd_rmi, ('container', 'ls'): cmd_ps, ('container', 'list'): cmd_ps,
    ('container', 'ps'): cmd_ps, ('system', 'info'): cmd_info,
}
CONTAINER_COMMANDS = {'run', 'create', 'start', 'exec', 'attach', 'restart', 'stop', 'kill', 'logs', 'rm', 'cp',
                      'commit', 'top', 'wait', 'pause', 'unpause', 'stats', 'port', 'rename', 'update', 'diff',
                      'export'}
OTHER_COMMANDS = {'build', 'push', 'save', 'load', 'import', 'history', 'search', 'login', 'logout', 'events',
                  'network', 'volume', 'system', 'swarm', 'node', 'service', 'stack', 'secret', 'config',
                  'plugin', 'trust', 'checkpoint', 'manifest', 'builder', 'image', 'container'}


HELP = """
Usage:\tdocker [OPTIONS] COMMAND

A self-sufficient runtime for containers (%s: images are records, containers cannot run)

Commands:
  images      List images
  info        Display system-wide information
  inspect     Return low-level information on Docker objects
  ps          List containers
  pull        Pull an image or a repository from a registry
  rmi         Remove one or more images
  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
  version     Show the Docker version information

Management Commands:
  image       Manage images (ls, pull, inspect, tag, rm)

Run 'docker COMMAND --help' for more information on a command.
""" % STANDIN_NOTE


def main(argv):
    # Global options before the command (docker's own -H, -D, --config, --log-level).
    while argv and argv[0].startswith('-'):
        a = argv.pop(0)
        if a in ('-v', '--version'):
            print('Docker version %s, build %s (%s)' % (VERSION, GIT_COMMIT, STANDIN_NOTE))
            return 0
        if a in ('-h', '--help'):
            sys.stdout.write(HELP)
            return 0
        if a in ('-H', '--host', '--config', '-l', '--log-level', '--context') and argv:
            argv.pop(0)
        elif not (a in ('-D', '--debug', '--tls', '--tlsverify') or a.startswith(('--host=', '--config=', '--log-level='))):
            raise Fail('unknown flag: %s\nSee \'docker --help\'.' % a, 125)
    if not argv:
        sys.stdout.write(HELP)
        return 0
    cmd, rest = argv[0], argv[1:]
    if cmd in COMMANDS:
        return COMMANDS[cmd](rest)
    if rest and (cmd, rest[0]) in SUBCOMMANDS:
        return SUBCOMMANDS[(cmd, rest[0])](rest[1:])
    if cmd in ('image', 'container') and (not rest or rest[0] in ('-h', '--help')):
        sys.stdout.write(HELP)
        return 0
    if cmd in CONTAINER_COMMANDS or cmd == 'container':
        need_daemon()
        see = rest[0] if cmd == 'container' else cmd
        raise Fail("docker: Error response from daemon: containers cannot run in the %s.\nSee 'docker %s --help'."
                   % (STANDIN_NOTE, see), 125)
    if cmd in OTHER_COMMANDS:
        raise Fail("docker %s is not implemented by the %s" % (' '.join(argv[:2]), STANDIN_NOTE))
    raise Fail("docker: '%s' is not a docker command.\nSee 'docker --help'" % cmd)
