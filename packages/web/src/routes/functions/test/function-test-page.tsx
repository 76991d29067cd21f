import { FlaskConical } from "lucide-react";
import { EmptyState } from "../../../components/states";
import { Card } from "../../../components/ui/card";
import { useLastTestRun } from "../../../data/functions";
import { useCurrentTeam } from "../../teams/team-layout";
import { useCurrentFunction } from "../detail/function-layout";
import { InvokeResultCard } from "./invoke-result-card";
import { TestRequestCard } from "./test-request-card";

/** The Test tab: a request to the production version on the left, what came back on the right (kept across tabs). */
export function FunctionTestPage() {
  const { team, can } = useCurrentTeam();
  const fn = useCurrentFunction();
  const result = useLastTestRun(team.id, fn.id).data ?? null;

  if (!can("functions:invoke")) {
    return (
      <Card className="border-dashed shadow-none">
        <EmptyState
          icon={FlaskConical}
          title="Your role can't invoke functions"
          description="Testing needs the functions:invoke permission. Ask an owner or admin."
        />
      </Card>
    );
  }
  return (
    <div className="grid items-start gap-6 lg:grid-cols-2">
      <TestRequestCard fn={fn} />
      {result ? (
        <InvokeResultCard fn={fn} result={result} />
      ) : (
        <Card className="border-dashed shadow-none">
          <EmptyState
            icon={FlaskConical}
            title="No test run yet"
            description={
              fn.productionVersion !== null
                ? `Send a request to version ${fn.productionVersion}. It runs like any call and shows in Invocations as a test.`
                : "The function has no version in production; deploy one from the Code tab first."
            }
          />
        </Card>
      )}
    </div>
  );
}
