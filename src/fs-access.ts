// os.access(path, mode) as Python answers it (False on any error), shared by the inventory loader and modules.
import { accessSync } from "node:fs";

export function canAccess(p: string, mode: number): boolean {
  try {
    accessSync(p, mode);
    return true;
  } catch {
    return false;
  }
}
