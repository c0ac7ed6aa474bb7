// Scribe admin dashboard: native ES modules, no build step. Views and actions the key's scopes do not allow
// are not shown (see api.js for the key, router.js for the views).
import { route, startRouting } from "./router.js";
import { startSignIn } from "./signin.js";

startSignIn(route);
startRouting();
