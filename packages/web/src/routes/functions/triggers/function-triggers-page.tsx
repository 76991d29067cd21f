import { useTriggers } from "../../../data/functions";
import { useCurrentTeam } from "../../teams/team-layout";
import { useCurrentFunction } from "../detail/function-layout";
import { CronTriggersCard } from "./cron-triggers-card";
import { EventTriggersCard } from "./event-triggers-card";
import { HttpTriggerCard } from "./http-trigger-card";

/** The Triggers tab: the HTTP endpoint (public or private), schedules and platform events. */
export function FunctionTriggersPage() {
  const { team } = useCurrentTeam();
  const fn = useCurrentFunction();
  const triggers = useTriggers(team.id, fn.id);
  return (
    <div className="grid gap-6">
      <HttpTriggerCard fn={fn} />
      <CronTriggersCard fn={fn} triggers={triggers} />
      <EventTriggersCard fn={fn} triggers={triggers} />
    </div>
  );
}
