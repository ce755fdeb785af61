import json
from test_app_browser import open_app, LOAD_TIMEOUT
from layouts import ids
def test_logs(dash_duo, make_app):
    open_app(dash_duo, make_app(), "/?tab=roi")
    dash_duo.wait_for_element(f"#{ids.ROI_TABLE} .ag-row", timeout=LOAD_TIMEOUT)
    errs = dash_duo.driver.execute_script("return 1")
    logs = dash_duo.get_logs()
    print("LOGS", json.dumps(logs, indent=1)[:3000])
    # dash renderer error popup contents
    print("ERR", dash_duo.driver.execute_script("var e=document.querySelector('.dash-fe-error__title'); return e ? document.body.innerText.slice(0,3000) : 'none'"))
