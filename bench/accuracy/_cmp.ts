import { readFileSync } from "node:fs";
import { ThetaModel } from "../../src/forecasting/theta.js";
const info = readFileSync("/work/shared/data/tourism/tourism-info.csv","utf8").trim().split("\n").slice(1).map(l=>l.replace(/"/g,"").split(","));
const rows = readFileSync("/work/shared/data/tourism/tourism-long.csv","utf8").trim().split("\n").slice(1).map(l=>l.replace(/"/g,"").split(","));
const r = readFileSync("/tmp/rbench/theta.csv","utf8").trim().split("\n").slice(1).map(l=>l.replace(/"/g,"").split(","));
let shown=0;
for (const [i,[sn,,,h,freq]] of info.entries()) {
  const train = Float64Array.from(rows.filter(x=>x[0]===sn&&x[1]==="train").sort((a,b)=>+a[2]-+b[2]).map(x=>+x[3]));
  const f = new ThetaModel().fit(train,{period:+freq}).forecast(+h,[0.5]).mean;
  const rf = r[i][4].split(";").map(Number);
  const diff = Math.max(...rf.map((v,j)=>Math.abs(v-f[j])/Math.abs(v)));
  if (diff>1e-3 && shown++<8) console.log(sn, freq, train.length, diff.toFixed(4), rf.slice(0,3).map(v=>v.toFixed(1)), Array.from(f.slice(0,3)).map(v=>v.toFixed(1)));
}
