/**
 * Settings of the registration widget: the map whose basemap its small map uses, the config
 * file, the public view and geocoding service URLs, and the mode.
 */
import { hooks, type ImmutableObject } from 'jimu-core';
import type { AllWidgetSettingProps } from 'jimu-for-builder';
import { Option, Select, TextInput } from 'jimu-ui';
import { MapWidgetSelector, SettingRow, SettingSection } from 'jimu-ui/advanced/setting-components';
import type { Config } from '../config';
import defaultMessages from './translations/default';

type UrlKey = 'configUrl' | 'serviceUrl' | 'geocoderUrl';
const URL_KEYS: readonly UrlKey[] = ['configUrl', 'serviceUrl', 'geocoderUrl'];

export default function Setting(props: AllWidgetSettingProps<ImmutableObject<Config>>) {
  const translate = hooks.useTranslation(defaultMessages);
  const change = <K extends keyof Config>(key: K, value: Config[K]) =>
    props.onSettingChange({ id: props.id, config: props.config.set(key, value) });

  return (
    <div className="widget-setting-cam-registration">
      <SettingSection title={translate('map')}>
        <SettingRow flow="wrap" label={translate('mapHint')}>
          <MapWidgetSelector
            useMapWidgetIds={props.useMapWidgetIds}
            onSelect={(useMapWidgetIds) => props.onSettingChange({ id: props.id, useMapWidgetIds })}
          />
        </SettingRow>
      </SettingSection>
      <SettingSection title={translate('services')}>
        {URL_KEYS.map((key) => (
          <SettingRow key={key} flow="wrap" label={translate(key)}>
            <TextInput
              type="url"
              aria-label={translate(key)}
              defaultValue={props.config[key]}
              onAcceptValue={(value) => change(key, value.trim())}
            />
          </SettingRow>
        ))}
        <SettingRow flow="wrap" label={translate('mode')}>
          <Select
            aria-label={translate('mode')}
            value={props.config.mode}
            onChange={(event) =>
              change('mode', event.target.value === 'manage' ? 'manage' : 'register')
            }
          >
            <Option value="register">{translate('register')}</Option>
            <Option value="manage">{translate('manage')}</Option>
          </Select>
        </SettingRow>
      </SettingSection>
    </div>
  );
}
