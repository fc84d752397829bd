// `npm run -s diagram`: the KYC stage transitions as Mermaid, for README "The KYC journey".
import { stageDiagram } from '../domain/kyc-stage.js';

console.log(stageDiagram());
