// Entry for provision.mjs: provisions code-server (and checks the browser).
import { ensureCodeServer } from './provision';
import { BROWSER_PACKAGES, ensureSystemPackages } from './systemPackages';

export async function main(): Promise<number> {
  await ensureSystemPackages(BROWSER_PACKAGES);
  const install = await ensureCodeServer();
  console.log(`code-server ${install.version} ready: ${install.entry}`);
  return 0;
}
