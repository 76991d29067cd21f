import { platformEventTypes, type ServerlessFunction } from "@slipway/contracts";
import { Plus, RadioTower } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { EmptyState } from "../../../components/states";
import { Button } from "../../../components/ui/button";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { useCreateTrigger } from "../../../data/functions";
import { useCurrentTeam } from "../../teams/team-layout";
import { TriggerActions, TriggersCard, type TriggersQuery, When } from "./trigger-parts";

type PlatformEvent = (typeof platformEventTypes)[number];

const eventDescriptions: Record<PlatformEvent, string> = {
  "deployment.ready": "A deployment of a project in this team is ready",
  "deployment.promoted": "A deployment became production",
  "deployment.unhealthy": "A deployment's instances failed their health checks",
  "build.succeeded": "A build finished",
  "build.failed": "A build failed",
  "domain.verified": "A custom domain was verified",
  "function.deployed": "A function version was deployed",
  "function.deploy_failed": "A function version failed to deploy",
  "member.added": "Someone joined the team",
  "member.removed": "Someone left the team",
};

/** Platform events that invoke the function, each with a switch. */
export function EventTriggersCard({ fn, triggers }: { fn: ServerlessFunction; triggers: TriggersQuery }) {
  const { can } = useCurrentTeam();
  const taken = new Set((triggers.data ?? []).flatMap((trigger) => (trigger.event ? [trigger.event] : [])));
  return (
    <TriggersCard
      title="Platform events"
      description="Runs when something happens in this team; the event arrives as the JSON body."
      action={can("functions:manage") ? <AddEvent fn={fn} taken={taken} /> : null}
      triggers={triggers}
      kind="event"
      empty={
        <EmptyState
          icon={RadioTower}
          title="No events"
          description="Post to chat when a build fails, warm a cache when a deployment is ready."
        />
      }
    >
      {(items) => (
        <Table>
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead>Event</TableHead>
              <TableHead>Last run</TableHead>
              <TableHead className="text-right">Enabled</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((trigger) => (
              <TableRow key={trigger.id} data-testid="event-trigger">
                <TableCell>
                  <div className="grid leading-tight">
                    <span className="font-mono text-xs">{trigger.event}</span>
                    <span className="text-muted-foreground text-xs">
                      {trigger.event ? eventDescriptions[trigger.event] : null}
                    </span>
                  </div>
                </TableCell>
                <TableCell className="text-muted-foreground">
                  <When at={trigger.lastFiredAt} never="Never" />
                </TableCell>
                <TableCell>
                  <TriggerActions fn={fn} trigger={trigger} name={`the ${trigger.event ?? ""} trigger`} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </TriggersCard>
  );
}

function AddEvent({ fn, taken }: { fn: ServerlessFunction; taken: ReadonlySet<string> }) {
  const { team } = useCurrentTeam();
  const create = useCreateTrigger(team.id, fn.id);
  const [event, setEvent] = useState<PlatformEvent | "">("");
  const add = () => {
    if (!event) return;
    create.mutate(
      { kind: "event", event },
      {
        onSuccess: () => {
          toast.success(`${fn.name} now runs on ${event}`);
          setEvent("");
        },
        onError: (error) => toast.error(`Couldn't add the ${event} trigger: ${error.message}`),
      },
    );
  };
  return (
    <div className="flex items-center gap-2">
      <Select value={event} onValueChange={(value) => setEvent(value as PlatformEvent)}>
        <SelectTrigger aria-label="Event" className="h-8 w-52 text-[13px]">
          <SelectValue placeholder="Choose an event" />
        </SelectTrigger>
        <SelectContent>
          {platformEventTypes.map((type) => (
            <SelectItem key={type} value={type} disabled={taken.has(type)} description={eventDescriptions[type]}>
              {type}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
      <Button size="sm" variant="outline" disabled={!event} isLoading={create.isPending} onClick={add}>
        {create.isPending ? null : <Plus />}
        Add
      </Button>
    </div>
  );
}
