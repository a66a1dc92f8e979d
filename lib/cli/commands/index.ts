// Every admin command, in the order --help lists them.
import type { Command } from "../command";
import { userCreate, userList } from "./accounts";
import { countsReconcile, purge } from "./maintenance";
import { masterKeyList, masterKeyRotate, rewrap } from "./master-keys";
import { projectCreate, projectList } from "./projects";
import { rootKeyRotate } from "./root-key";
import { keyCreate, keyList, keyRevoke } from "./server-keys";
import { storeCreate, storeDelete, storeList } from "./stores";

export const COMMANDS: Command[] = [
  userCreate,
  userList,
  projectCreate,
  projectList,
  storeCreate,
  storeList,
  storeDelete,
  keyCreate,
  keyList,
  keyRevoke,
  masterKeyList,
  masterKeyRotate,
  rewrap,
  rootKeyRotate,
  countsReconcile,
  purge,
];
