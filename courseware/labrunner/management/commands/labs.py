"""`python manage.py labs nodes list|add|drain|activate`: the lab fleet, changed while it runs.

A drained node takes no new placements and its workspaces move on their next step; nothing
restarts. `add` announces a node before its `labs_backend --node NAME` starts beating."""

import json

from django.core.management.base import BaseCommand, CommandError

from courseware.labrunner.fleet import NodeError, node_add, node_standings, node_state_set
from courseware.labrunner.models import LabNode


class Command(BaseCommand):
    help = "Lab nodes: list them, add one, drain one for maintenance, or activate it again."

    def add_arguments(self, parser):
        groups = parser.add_subparsers(dest="group", required=True)
        nodes = groups.add_parser("nodes", help="the lab nodes").add_subparsers(dest="action", required=True)
        listing = nodes.add_parser("list", help="each node's state, workspaces, active runs and heartbeat age")
        listing.add_argument("--json", action="store_true")
        add = nodes.add_parser("add", help="announce a node (it takes placements once it beats)")
        add.add_argument("name")
        add.add_argument("--endpoint", required=True, help="as the workers beside it reach it (loopback)")
        add.add_argument("--capacity", type=int, default=100)
        for action, text in (("drain", "no new placements; its workspaces move"), ("activate", "take placements")):
            nodes.add_parser(action, help=text).add_argument("name")

    def handle(self, *args, action, **options):
        try:
            if action == "list":
                return self.list(as_json=options["json"])
            if action == "add":
                node = node_add(name=options["name"], endpoint=options["endpoint"], capacity=options["capacity"])
            else:
                state = LabNode.State.DRAINING if action == "drain" else LabNode.State.ACTIVE
                node = node_state_set(name=options["name"], state=state)
        except NodeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{node.name}: {node.state}")

    def list(self, *, as_json: bool) -> None:
        standings = node_standings()
        if as_json:
            self.stdout.write(json.dumps({s.node.name: s.to_dict() for s in standings}, indent=2))
            return
        if not standings:
            self.stdout.write("No lab nodes: steps go to the one backend at LABS_ENDPOINT.")
        for s in standings:
            age = "never" if s.heartbeat_age_s is None else f"{s.heartbeat_age_s} s ago"
            self.stdout.write(
                f"{s.node.name:<12} {s.node.state:<9} {s.workspaces:>5} workspaces  {s.active_runs:>3} runs  "
                f"heartbeat {age}  {s.node.endpoint}"
            )
