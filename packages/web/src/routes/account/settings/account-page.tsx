import { PageHeader } from "../../../components/page-header";
import { ChangePasswordCard } from "./change-password-card";
import { ProfileCard } from "./profile-card";
import { SessionsCard } from "./sessions-card";

export function AccountPage() {
  return (
    <div className="grid gap-8">
      <PageHeader title="Account" description="Your profile, password and the devices you're signed in on." />
      <ProfileCard />
      <ChangePasswordCard />
      <SessionsCard />
    </div>
  );
}
