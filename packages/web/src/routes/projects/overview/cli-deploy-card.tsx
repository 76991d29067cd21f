import type { Project } from "@slipway/contracts";
import { Link } from "@tanstack/react-router";
import { CodeBlock } from "../../../components/code-block";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { useCurrentTeam } from "../../teams/team-layout";

/** An empty project deploys from a folder on someone's machine. */
export function CliDeployCard({ project }: { project: Project }) {
  const { team } = useCurrentTeam();
  const commands = [
    `slipway login --api ${window.location.origin} --token <your token>`,
    "cd path/to/your/site",
    `slipway deploy --project ${project.slug} --prod`,
  ].join("\n");
  return (
    <Card>
      <CardHeader>
        <CardTitle>Deploy with the CLI</CardTitle>
        <CardDescription>
          This project has no repository. Upload a folder from your machine or CI; Slipway builds it like a push. Create
          a token under{" "}
          <Link
            to="/t/$teamId/tokens"
            params={{ teamId: team.id }}
            className="font-medium text-foreground underline-offset-4 hover:underline"
          >
            API tokens
          </Link>
          , or connect a repository in{" "}
          <Link
            to="/t/$teamId/projects/$projectId/settings"
            params={{ teamId: team.id, projectId: project.id }}
            hash="git"
            className="font-medium text-foreground underline-offset-4 hover:underline"
          >
            Settings
          </Link>
          .
        </CardDescription>
      </CardHeader>
      <CardContent>
        <CodeBlock code={commands} label="commands" />
      </CardContent>
    </Card>
  );
}
