import { useCurrentProject } from "../detail/project-layout";
import { CertificatesCard } from "./certificates-card";
import { DomainsCard } from "./domains-card";

/**
 * The project's custom domains. The page is a stack of cards, each about one concern: the
 * domains themselves first; their certificates slot in below.
 */
export function ProjectDomainsPage() {
  const project = useCurrentProject();
  return (
    <div className="grid grid-cols-1 gap-6">
      <DomainsCard project={project} />
      <CertificatesCard project={project} />
    </div>
  );
}
