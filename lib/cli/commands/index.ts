// Every admin command, in the order --help lists them.
import type { Command } from "../command";
import {
  invitationList,
  invitationRevoke,
  userCreate,
  userDelete,
  userDemote,
  userDisable,
  userEnable,
  userList,
  userPromote,
  userSetPassword,
} from "./accounts";
import { countsReconcile, purge } from "./maintenance";
import { masterKeyList, masterKeyPurge, masterKeyRetire, masterKeyRotate, rewrap } from "./master-keys";
import { quarantineDelete, quarantineList, quarantineShow } from "./quarantine";
import { projectCreate, projectList } from "./projects";
import { rootKeyRotate } from "./root-key";
import { keyCreate, keyList, keyRevoke } from "./server-keys";
import { storeCreate, storeDelete, storeList, storeShow } from "./stores";

export const COMMANDS: Command[] = [
  userCreate,
  userList,
  userPromote,
  userDemote,
  userDisable,
  userEnable,
  userSetPassword,
  userDelete,
  invitationList,
  invitationRevoke,
  projectCreate,
  projectList,
  storeCreate,
  storeList,
  storeShow,
  storeDelete,
  keyCreate,
  keyList,
  keyRevoke,
  masterKeyList,
  masterKeyRotate,
  masterKeyRetire,
  masterKeyPurge,
  rewrap,
  quarantineList,
  quarantineShow,
  quarantineDelete,
  rootKeyRotate,
  countsReconcile,
  purge,
];
