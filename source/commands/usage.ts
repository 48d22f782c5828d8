/** The `--help` text: every command and flag, with examples. Kept in one place so the README can quote it. */
export const helpText = `
  Start, stop, restart, reload and check services on many nodes at once, over SSH.

  Usage
    $ svctui                                   open the full-screen app
    $ svctui --plan FILE                       open the app with FILE loaded and the review ready
    $ svctui --plan FILE --yes                 run a plan headless, without asking
    $ svctui run NODES SERVICE ACTION [SERVICE ACTION ...]
                                               one-shot; the word "run" may be left out
    $ svctui check NODES | --plan FILE         which nodes answer (latency, service manager), which don't and why
    $ svctui validate FILE ...                 check plans without contacting any node
    $ svctui nodeset [-f|-e|-c] [-x|-i|-X SET] NODESET ...
                                               ClusterShell's nodeset: fold, expand, count node sets
    $ svctui demo [--kind systemd|sysv|openrc] bring up the local demo cluster (root) and open a plan on it

  Actions: start, stop, restart, reload, status. Node sets as ClusterShell writes them: node[1-3,7],
  rack[1-2]-node[01-08], @group, node[1-9]!node5. Every run records @ok, @failed, @unreachable, @skipped
  and @changed: the last run's nodes, or an earlier run's as @failed:log_20261201_101500.

  Options
    -p, --plan FILE            the plan to open or run (YAML)
    -y, --yes                  run without asking for confirmation
    -n, --dry-run              print the commands per node set; contact no node
        --json                 write events as JSON lines on stdout instead of the text report
        --headless             stay in the terminal's text mode even on a terminal (ask y/N instead of the app)
        --read-only            only status may run; the app hides the keys that change services
    -F, --ssh-config FILE      use this ssh_config instead of ~/.ssh/config (as ssh -F)
        --accept-new           record unknown host keys, as StrictHostKeyChecking=accept-new; changed keys are refused
    -f, --fanout N             nodes worked on at once (default 64)
        --connect-timeout S    seconds to connect and authenticate (default 10, or ssh_config ConnectTimeout)
        --command-timeout S    seconds before a remote command is killed (default 300)
        --sudo                 run service commands through sudo -n (for non-root logins)
        --manager NAME         auto, systemd, sysv or openrc (default auto: detected per node)
        --log-dir DIR          where run logs go (default $XDG_STATE_HOME/svctui/logs)
        --groupsconf FILE      ClusterShell groups.conf for @group names
        --kind KIND            demo cluster: systemd, sysv or openrc (default systemd)
        --no-color             no colours (NO_COLOR is honoured too)
        --fps N                the app's frames a second at most while a run streams (default 10; keys are never held back)
        --limit NODESET        only these of the plan's or command's nodes, e.g. --limit @failed (headless runs, check)
        --pick N               N of the target's nodes at random, for a canary by hand (SVCTUI_PICK_SEED repeats a pick)
        --expect STATE         running or stopped: a status in another state fails (without it every state is a result)
        --reuse-window T       the app: how long the review's connections stay open for the run (default 60s; 0 = off)
    -h, --help                 this text
    -v, --version              the version

  Flags are exact and case-sensitive; one with a value is given once; only --no-color negates. Flags may
  come before or after the words; before validate or nodeset only --groupsconf FILE is taken.

  Exit codes
    0 all ok (a status that answered is ok, whatever the state, unless --expect) · 1 a node failed, timed
    out or was skipped · 2 usage or plan error (nothing ran) · 3 some nodes unreachable and none failed
    4 the run log is incomplete · 130 interrupted

  Examples
    $ svctui validate plans/example2.yaml
    $ svctui --plan plans/example2.yaml --yes -F /run/svctui-lab/demo/ssh_config
    $ svctui run 'node[1-3]' nginx status
    $ svctui 'web[01-20]!web07' nginx reload php8.2-fpm restart --yes
    $ svctui check @compute
    $ svctui run @failed nginx restart --yes
    $ svctui run 'web[01-20]' nginx restart --pick 1 --yes
    $ svctui nodeset -f node3 node1 node2
`;
